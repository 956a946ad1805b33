/**
 * Bundles every Lambda the stack deploys (lib/function-entries.ts) with the stack's own
 * esbuild options (lib/bundle-options.ts) and prints, per function, the bundle size and its
 * cold import time: the median of 3 imports of the bundle, each in a fresh Node process.
 * Exits non-zero when a bundle is over the 300 KB budget.
 *
 * Bundles are written under .local/bundles/ (git-ignored), inside the repository, so their
 * external `@aws-sdk/*` imports resolve from node_modules as they resolve from the Lambda
 * runtime's own copy on AWS. The import time therefore includes loading those SDK modules.
 * HASH_KEY_SECRET_ARN is not set, so no Secrets Manager call is made (on AWS that fetch adds
 * one network round trip to the init phase).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions } from '../lib/bundle-options.ts';
import { functionEntries } from '../lib/function-entries.ts';
import { fromRepoRoot } from '../lib/repo-root.ts';
import { parseCli } from './cli-args.ts';

parseCli({
  command: 'npm run bundle-report --',
  usage: `Usage: npm run bundle-report

Bundles every Lambda the stack deploys with the stack's esbuild options (into .local/bundles/)
and prints each bundle's size and cold import time (median of 3 fresh Node processes).
Exits 1 when a bundle is over the 300 KB budget. No options but -h, --help.`,
  options: {},
});

const BUDGET_KB = 300;
const IMPORT_RUNS = 3;
const outRoot = fromRepoRoot('.local/bundles');

function coldImportMs(file: string): number {
  const code = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const runs = Array.from({ length: IMPORT_RUNS }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', code], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
      }).trim(),
    ),
  );
  return runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
}

rmSync(outRoot, { recursive: true, force: true });
const rows: { name: string; kb: number; ms: number }[] = [];
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
  rows.push({ name, kb: statSync(outfile).size / 1024, ms: coldImportMs(outfile) });
}

const width = Math.max(...rows.map((row) => row.name.length), 'function'.length);
console.log(`${'function'.padEnd(width)}  ${'size (KB)'.padStart(9)}  ${'cold import (ms)'.padStart(16)}`);
for (const row of rows) {
  const flag = row.kb > BUDGET_KB ? `  over the ${BUDGET_KB} KB budget` : '';
  console.log(`${row.name.padEnd(width)}  ${row.kb.toFixed(1).padStart(9)}  ${row.ms.toFixed(0).padStart(16)}${flag}`);
}
console.log(
  `(esbuild ${esbuildOptions.format}, ${esbuildOptions.target}, minified, @aws-sdk external; node ${process.version}; median of ${IMPORT_RUNS} fresh processes)`,
);
const over = rows.filter((row) => row.kb > BUDGET_KB);
if (over.length > 0) {
  console.error(`${over.length} of ${rows.length} bundles are over ${BUDGET_KB} KB`);
  process.exitCode = 1;
}
