import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface LoadResult {
  requests: number;
  perSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50: number;
  latencyP99: number;
}

const loader = fileURLToPath(new URL('./earn-load.ts', import.meta.url));

/** Runs bench/earn-load.ts (autocannon) in a child process against the local API. */
export async function apiEarnRate(input: {
  baseUrl: string;
  partnerKey: string;
  accounts: string[];
  seconds: number;
  connections: number;
}): Promise<LoadResult> {
  const args = JSON.stringify({ ...input, runId: Date.now().toString(36) });
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', loader, args], {
    env: { ...process.env },
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}
