import { logger } from '../../api/http/observability.ts';
import type { ObjectStore } from '../../audit/object-store.ts';
import { s3ObjectStore } from '../../audit/s3-objects.ts';
import { finishDay, type SealOutcome } from '../../audit/seal.ts';
import { auditBucketConfig } from '../../config/audit-bucket.ts';
import { checkedItem, type PlannedDay } from './plan-day.ts';

/**
 * The last step for one tenant-day: joins the ranges and writes the manifest (functions/audit/
 * seal.ts `finishDay`); nothing when PlanDay found nothing to seal. A problem (a gap the table
 * cannot fill, a record that differs between copies) is logged and fails this item only, which
 * alarms; the day's marker stays for the next run.
 */
export const finishDayTask =
  (deps: { store: ObjectStore; now?: () => Date }) =>
  async (input: PlannedDay): Promise<{ tenantId: string; day: string; status: SealOutcome['status'] }> => {
    const { tenantId, day } = checkedItem(input);
    if (input.status !== 'planned') return { tenantId, day, status: input.status };
    if (typeof input.sourcesDigest !== 'string') throw new Error(`no plan: ${JSON.stringify(input)}`);
    const outcome = await finishDay({
      store: deps.store,
      tenantId,
      day,
      now: deps.now?.() ?? new Date(),
      sourcesDigest: input.sourcesDigest,
    });
    const problems = outcome.status === 'empty' ? [] : outcome.problems;
    if (outcome.status === 'sealed') {
      const { manifest } = outcome;
      logger.info('audit day sealed', {
        tenantId,
        day,
        revision: manifest.revision,
        records: manifest.recordCount,
        ranges: manifest.ranges?.length ?? 1,
        backfilled: manifest.backfilled,
        duplicatesDropped: manifest.duplicatesDropped,
      });
    }
    if (problems.length > 0) {
      for (const problem of problems) logger.error('audit seal problem', { tenantId, day, problem });
      throw new Error(`sealing ${tenantId} ${day} found ${problems.length} problem(s); see the log`);
    }
    return { tenantId, day, status: outcome.status };
  };

export const handler = finishDayTask({ store: s3ObjectStore(auditBucketConfig.AUDIT_BUCKET) });
