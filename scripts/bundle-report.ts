/**
 * Bundles every Lambda the stack deploys (lib/function-entries.ts) with the stack's own
 * esbuild options (lib/bundle-options.ts) and prints, per function, the bundle size and its
 * cold import time: the median of 7 imports of the bundle, each in a fresh Node process
 * (single imports vary by 10 to 20% on this machine; the median of 7 moves by a few ms).
 * Exits non-zero when a bundle is over the budget (BUNDLE_BUDGET_KB, 600 KB).
 *
 * Bundles are written under .local/bundles/ (git-ignored), inside the repository, so any
 * module left external resolves from node_modules as it would from the Lambda runtime's own
 * copy on AWS; the import time includes loading it. Each import gets the configuration a
 * function reads at cold start (functions/config/), with HASH_KEY instead of
 * HASH_KEY_SECRET_ARN, so no Secrets Manager call is made. On AWS every HTTP function also
 * creates its Secrets Manager client, signs GetSecretValue and waits for the answer during
 * init: `tsx bench/cold-start-compare.ts --aws-init` measures that work (30 to 55 ms of CPU
 * more than this import on this machine), the network round trip excepted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_BUDGET_KB, esbuildOptions } from '../lib/bundle-options.ts';
import { functionEntries } from '../lib/function-entries.ts';
import { fromRepoRoot } from '../lib/repo-root.ts';
import { parseCli } from './cli-args.ts';
import { FUNCTION_ENV } from '../bench/function-env.ts';

parseCli({
  command: 'npm run bundle-report --',
  usage: `Usage: npm run bundle-report

Bundles every Lambda the stack deploys with the stack's esbuild options (into .local/bundles/)
and prints each bundle's size and cold import time, wall and CPU (median of 7 fresh Node
processes), with the machine's load average.
Exits 1 when a bundle is over the 600 KB budget. No options but -h, --help.`,
  options: {},
});

const BUDGET_KB = BUNDLE_BUDGET_KB;
const IMPORT_RUNS = 7;
const outRoot = fromRepoRoot('.local/bundles');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Median wall time of the import (the goal's measure) and median CPU time (user + system) of
 * the same imports: on a machine busy with other work the wall time jumps from run to run,
 * the CPU time much less, so the two together tell a slower bundle from a busier machine.
 */
function coldImport(file: string): { ms: number; cpuMs: number } {
  const code = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const w = performance.now() - t; const u = process.cpuUsage(c); console.log(w, (u.user + u.system) / 1000);`;
  const runs = Array.from({ length: IMPORT_RUNS }, () =>
    execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...FUNCTION_ENV },
    })
      .trim()
      .split(' ')
      .map(Number),
  );
  return { ms: median(runs.map((run) => run[0]!)), cpuMs: median(runs.map((run) => run[1]!)) };
}

rmSync(outRoot, { recursive: true, force: true });
const rows: { name: string; kb: number; ms: number; cpuMs: number }[] = [];
for (const { name, entry } of functionEntries()) {
  const outfile = join(outRoot, name.replace(/[^A-Za-z0-9.-]+/g, '-'), 'index.mjs');
  mkdirSync(join(outfile, '..'), { recursive: true });
  await build({
    ...esbuildOptions,
    external: [...esbuildOptions.external],
    mainFields: [...esbuildOptions.mainFields],
    entryPoints: [fromRepoRoot(entry)],
    outfile,
    logLevel: 'error',
  });
  rows.push({ name, kb: statSync(outfile).size / 1024, ...coldImport(outfile) });
}

const width = Math.max(...rows.map((row) => row.name.length), 'function'.length);
console.log(`${'function'.padEnd(width)}  ${'size (KB)'.padStart(9)}  ${'cold import (ms)'.padStart(16)}  ${'CPU (ms)'.padStart(8)}`);
for (const row of rows) {
  const flag = row.kb > BUDGET_KB ? `  over the ${BUDGET_KB} KB budget` : '';
  console.log(
    `${row.name.padEnd(width)}  ${row.kb.toFixed(1).padStart(9)}  ${row.ms.toFixed(0).padStart(16)}  ${row.cpuMs.toFixed(0).padStart(8)}${flag}`,
  );
}
console.log(
  `(esbuild ${esbuildOptions.format}, ${esbuildOptions.target}, minified, ${esbuildOptions.external.length > 0 ? `external: ${esbuildOptions.external.join(', ')}` : 'nothing external'}; node ${process.version}; median of ${IMPORT_RUNS} fresh processes; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs)`,
);
const over = rows.filter((row) => row.kb > BUDGET_KB);
if (over.length > 0) {
  console.error(`${over.length} of ${rows.length} bundles are over ${BUDGET_KB} KB`);
  process.exitCode = 1;
}
