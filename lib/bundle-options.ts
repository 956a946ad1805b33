/**
 * The esbuild settings every Lambda is bundled with, in one place: `lib/api-function.ts`
 * hands them to NodejsFunction and `scripts/bundle-report.ts` to esbuild directly, so the
 * sizes the report prints are the sizes that deploy. No CDK import here: the report script
 * loads this module without pulling in aws-cdk-lib.
 */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The Lambda runtime chosen in lib/api-function.ts (Node.js 24).
  target: 'node24',
  minify: true,
  treeShaking: true,
  // Source maps would double the bundle and slow cold starts; stacks in logs stay minified.
  sourcemap: false,
  // ESM bundles have no `require`; middy and Powertools reach Node built-ins through it
  // (`Dynamic require of "util" is not supported` without this), so give them one.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  // The Lambda Node.js runtime ships AWS SDK v3, so it stays out of every bundle: bundling
  // the DynamoDB client, its credential chain and @smithy/core would add about 350 KB per
  // function against a 300 KB budget, for no cold-start gain (the runtime's copy is on local
  // disk). The cost: the deployed SDK is the runtime's version, not the lockfile's, so
  // handlers keep to long-stable SDK APIs.
  external: ['@aws-sdk/*'],
  // Prefer packages' ESM builds so esbuild can tree-shake them.
  mainFields: ['module', 'main'],
} as const;
