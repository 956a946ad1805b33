import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Node built-ins, reached through `process.getBuiltinModule` instead of ESM `import`
 * statements. An ESM import of a built-in makes Node build the module's ESM facade, which reads
 * every export once, getters included: `node:http` then loads undici for its lazy `WebSocket`,
 * `node:process` opens stdin, stdout and stderr, `node:crypto` loads WebCrypto. A bundle's
 * imports of `node:http`, `node:https`, `node:process`, `node:crypto`, `node:stream/web` and the
 * rest cost about 55 ms of CPU at every cold import that way, about 23 ms reached like this
 * (README, design decisions, "Cold start"). Each alias points at a one-line CommonJS module in
 * a `data:` URL, so esbuild bundles it like any CommonJS dependency: no file, no `require`, no
 * `createRequire` banner.
 */
const BUILTIN_ALIASES: Record<string, string> = Object.fromEntries(
  builtinModules.flatMap((name) => {
    const id = name.startsWith('node:') ? name : `node:${name}`;
    const shim = `data:text/javascript,module.exports=process.getBuiltinModule(${JSON.stringify(id)})`;
    // Both spellings (`http` and `node:http`); a few built-ins exist only with the prefix.
    return [...new Set([name, id])].map((spelling) => [spelling, shim]);
  }),
);

/**
 * SDK modules replaced in bundles by what Lambda needs of them, each module saying why:
 * - the default credential chain by its first link alone, credentials from the environment,
 *   which Lambda always sets (functions/config/lambda-credentials.ts);
 * - event streams, which no operation we call uses (functions/config/no-event-streams.ts).
 * Absolute paths: esbuild resolves alias targets from its working directory. (CDK bundles
 * locally, with the esbuild devDependency; a Docker build would need them inside its container.)
 */
const SDK_ALIASES = {
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../functions/config/lambda-credentials.ts', import.meta.url)),
  '@smithy/core/event-streams': fileURLToPath(new URL('../functions/config/no-event-streams.ts', import.meta.url)),
};

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
  // No `createRequire` banner: it was there for the Powertools tracer (the X-Ray SDK calls
  // `require` on Node built-ins, `Dynamic require of "util" is not supported` without it).
  // With the tracer gone no bundle contains esbuild's dynamic-require shim; test/infra checks
  // that, so a dependency that brings one back fails the tests rather than a cold start.
  //
  // Nothing external: AWS SDK v3 is bundled, tree-shaken, rather than loaded from the Lambda
  // runtime's copy. Loading the runtime's @aws-sdk/* modules (hundreds of small CommonJS files)
  // was most of each route's cold import; one minified file with only the commands used
  // imports faster, and on AWS the Secrets Manager client the hash key needs at init is
  // already inside it. It also pins the SDK to the lockfile's version: what is tested offline
  // is what runs, whatever SDK the runtime ships that week. Measurements: README, design.
  external: [] as string[],
  // Prefer packages' ESM builds so esbuild can tree-shake them.
  mainFields: ['module', 'main'],
  alias: { ...BUILTIN_ALIASES, ...SDK_ALIASES } as Record<string, string>,
} as const;

/** The aliases as NodejsFunction's `esbuildArgs` (`--alias:from=to`, one per entry). */
export function aliasArgs(): { '--alias': string[] } {
  return { '--alias': Object.entries(esbuildOptions.alias).map(([from, to]) => `${from}=${to}`) };
}

/**
 * The size every bundle must stay under (the bundle report exits 1 above it). It was 300 KB
 * while the SDK came from the runtime; with the SDK inside, functions are 200 to 400 KB. It is a
 * tripwire for a dependency that drags in far more than it is used for (classic zod adds about
 * 440 KB), not the cold-start goal itself: that is measured, per route, by the same report.
 */
export const BUNDLE_BUDGET_KB = 600;
