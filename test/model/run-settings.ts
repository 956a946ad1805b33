import type fc from 'fast-check';

/**
 * How big a model run is and which seed drives it. A failing run prints its seed (and
 * fast-check its shrink path); `SEED=<n> npx vitest run test/model` replays the same requests,
 * and `SEED_PATH=<path>` jumps straight to the shrunk counterexample.
 */
export const STRESS = process.env.STRESS === '1';

export const SEED = process.env.SEED !== undefined ? Number(process.env.SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;

if (!Number.isInteger(SEED)) throw new Error(`SEED must be an integer, got ${process.env.SEED}`);

/**
 * `timeLimitMs` stops a run (and its shrinking) in time for the test's own timeout to report
 * the failure with its seed rather than a bare "timed out"; a run too slow to finish is a failure.
 * `shrink: false` reports the first failure as found: under injected faults a replay meets
 * other faults, so shrinking would chase a moving target.
 */
export function runParameters<T>(numRuns: number, timeLimitMs: number, options: { shrink?: boolean } = {}): fc.Parameters<T> {
  return {
    seed: SEED,
    numRuns,
    ...(options.shrink === false ? { endOnFailure: true } : {}),
    interruptAfterTimeLimit: timeLimitMs,
    markInterruptAsFailure: true,
    ...(process.env.SEED_PATH ? { path: process.env.SEED_PATH } : {}),
  };
}

/**
 * Per-account write limits are a rule of their own, counted in windows of the server's clock,
 * which this model does not describe: model tenants get a limit no run reaches.
 */
export const MODEL_TENANT_LIMITS = { accountWritesPerMinute: 1_000_000 };
