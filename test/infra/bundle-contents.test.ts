import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/manifest.ts';
import { esbuildOptions } from '../../lib/bundle-options.ts';
import { fromRepoRoot } from '../../lib/repo-root.ts';

/**
 * What each API route's bundle holds, read from esbuild's metafile (the stack's own options,
 * nothing written): the cold-start measures stay in place only while no route bundle takes in
 * other routes' entries and schemas, classic zod, the SDK's default credential chain, its
 * event-stream code or an ESM import of a Node built-in (README, design decisions, "Cold start"). Timing is not tested
 * here: `npm run bundle-report` and bench/cold-start-compare.ts measure it.
 */
const bundles = new Map<string, { inputs: string[]; imports: string[] }>();

beforeAll(async () => {
  for (const route of routes) {
    const result = await build({
      ...esbuildOptions,
      external: [...esbuildOptions.external],
      mainFields: [...esbuildOptions.mainFields],
      alias: { ...esbuildOptions.alias },
      entryPoints: [fromRepoRoot(route.handler)],
      outfile: `bundle-contents/${route.operationId}.mjs`,
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const output: Metafile['outputs'][string] = Object.values(result.metafile.outputs)[0]!;
    // Modules that contribute code: an input tree-shaken to nothing is not in the bundle.
    const inputs = Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    bundles.set(route.operationId, { inputs, imports: output.imports.map((imported) => imported.path) });
  }
}, 120_000);

describe.each(routes.map((route) => [route.operationId, route.handler] as const))('the %s bundle', (operationId, handler) => {
  it('holds its own route entry and no other route, handler or the route list', () => {
    const { inputs } = bundles.get(operationId)!;
    const ownEntry = handler.replace('functions/api/handlers/', 'functions/api/routes/');
    expect(inputs).toContain(ownEntry);
    expect(inputs.filter((path) => path.startsWith('functions/api/routes/') && path !== ownEntry)).toEqual([]);
    expect(inputs.filter((path) => path.startsWith('functions/api/handlers/') && path !== handler)).toEqual([]);
    expect(inputs).not.toContain('functions/api/manifest.ts');
  });

  it('holds zod/mini only: no classic zod, no locales', () => {
    const zod = bundles.get(operationId)!.inputs.filter((path) => path.startsWith('node_modules/zod/'));
    expect(zod.length).toBeGreaterThan(0);
    expect(zod.filter((path) => !/^node_modules\/zod\/v4\/(core|mini)\//.test(path))).toEqual([]);
  });

  it("holds no link of the SDK's default credential chain but the environment", () => {
    const chain = bundles
      .get(operationId)!
      .inputs.filter((path) => /^node_modules\/@aws-sdk\/(credential-provider-(?!env\/)|nested-clients\/|token-providers\/)/.test(path));
    expect(chain).toEqual([]);
  });

  it('holds no SDK event-stream code (functions/config/no-event-streams.ts stands in)', () => {
    const inputs = bundles.get(operationId)!.inputs;
    expect(inputs.filter((path) => path.includes('@smithy/core/dist-es/submodules/event-streams/'))).toEqual([]);
    expect(inputs).toContain('functions/config/no-event-streams.ts');
  });

  it('imports nothing: Node built-ins come through process.getBuiltinModule', () => {
    expect(bundles.get(operationId)!.imports).toEqual([]);
  });
});
