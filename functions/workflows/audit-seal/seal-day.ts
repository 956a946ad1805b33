import { logger } from '../../api/http/observability.ts';
import { readLedgerRange } from '../../audit/ledger-reader.ts';
import { isDay, isTenantId } from '../../audit/layout.ts';
import { s3ObjectStore } from '../../audit/s3-objects.ts';
import { sealDay, type SealOutcome } from '../../audit/seal.ts';
import { auditBucketConfig } from '../../config/audit-bucket.ts';
import type { SealItem } from './plan-seals.ts';

/**
 * One Map item of the AuditSeal workflow: seals one tenant's day, streaming (memory does not
 * grow with the day; /tmp holds the spilled buckets), so a big tenant only takes longer and
 * never holds up another. Idempotent: a retry after a crash writes the same objects and then
 * the manifest. A problem (a gap the table cannot fill, a record that differs between copies)
 * is logged and fails this item only, which alarms; the day's marker stays for the next run.
 */
export const handler = async (item: SealItem): Promise<{ tenantId: string; day: string; status: SealOutcome['status'] }> => {
  if (!isTenantId(item?.tenantId) || !isDay(item?.day)) throw new Error(`not a tenant-day: ${JSON.stringify(item)}`);
  const outcome = await sealDay({
    store: s3ObjectStore(auditBucketConfig.AUDIT_BUCKET),
    tenantId: item.tenantId,
    day: item.day,
    now: new Date(),
    readLedger: readLedgerRange,
  });
  const problems = outcome.status === 'empty' ? [] : outcome.problems;
  if (outcome.status === 'sealed') {
    const { manifest } = outcome;
    logger.info('audit day sealed', {
      tenantId: item.tenantId,
      day: item.day,
      revision: manifest.revision,
      records: manifest.recordCount,
      backfilled: manifest.backfilled,
      duplicatesDropped: manifest.duplicatesDropped,
    });
  }
  if (problems.length > 0) {
    for (const problem of problems) logger.error('audit seal problem', { tenantId: item.tenantId, day: item.day, problem });
    throw new Error(`sealing ${item.tenantId} ${item.day} found ${problems.length} problem(s); see the log`);
  }
  return { tenantId: item.tenantId, day: item.day, status: outcome.status };
};
