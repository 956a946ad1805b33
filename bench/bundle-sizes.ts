import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../scripts/bundle-report.ts', import.meta.url));

/**
 * Bundle size and cold import time per function come from scripts/bundle-report.ts (the CDK
 * app's own bundling options). It has no exported function yet, so it runs as a child process
 * and its table is quoted as printed. It exits non-zero when a bundle is over BUNDLE_BUDGET_KB.
 */
export function bundleReport(): { table: string; withinBudget: boolean } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
    encoding: 'utf8',
    env: { ...process.env },
  });
  if (run.error) throw run.error;
  return { table: `${run.stdout}${run.stderr}`.trim(), withinBudget: run.status === 0 };
}
