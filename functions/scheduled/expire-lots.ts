import type { Context } from 'aws-lambda';
import { logger } from '../api/http/observability.ts';
import { type SweepSummary, sweepAllTenants } from '../usecases/expire-lots.ts';

/**
 * The scheduled expiry sweep (lib/schedules.ts, EventBridge): every tenant's due lots, found
 * through the expiry index, written off with one EXPIRE entry each (functions/usecases/
 * expire-lots.ts). Bounded by the Lambda's remaining time: what is left over is picked up by the
 * next run from each tenant's mark. Any error fails the invocation (its alarm); nothing is
 * written twice when it runs again.
 */
export const handler = async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SweepSummary> => {
  const { reports, summary } = await sweepAllTenants({ remainingMs: () => context.getRemainingTimeInMillis() });
  for (const report of reports) {
    if (report.hits > 0 || !report.complete) logger.info('expiry sweep tenant', { ...report });
  }
  logger.info('expiry sweep', { ...summary });
  return summary;
};
