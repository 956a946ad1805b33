import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The credential source of every AWS SDK client inside a Lambda bundle: the function role's
 * credentials from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN), which the Lambda runtime sets in every execution environment. The
 * bundles get this module in place of `@aws-sdk/credential-provider-node` through an esbuild
 * alias (lib/bundle-options.ts): the default chain's first link is this same `fromEnv`, and on
 * Lambda it always answers, so the other links (SSO, INI files, credential processes, web
 * identity, container and instance metadata, with the STS and SSO clients they carry, about
 * 130 KB) were dead weight compiled at every cold start.
 *
 * Only bundles are aliased: the local service and the tests run the sources with the SDK's
 * default chain, which reads the same variables first (local/aws-env.ts sets them). A function
 * that ever gets its credentials another way (SnapStart, for one, serves them through a local
 * endpoint instead of these variables) must drop the alias; test/infra checks that none
 * enables SnapStart.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
