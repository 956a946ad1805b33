import { logger } from '../api/http/observability.ts';
import { readLedgerRange } from '../audit/ledger-reader.ts';
import { s3ObjectStore } from '../audit/s3-objects.ts';
import { sealPendingDays } from '../audit/seal.ts';
import { auditBucketConfig } from '../config/audit-bucket.ts';

/** Sealed days are looked at again for this long: the stream keeps records 24 hours, retries included. */
export const SEAL_LOOKBACK_DAYS = 3;
/** A day is sealed this long after it ends (the exporter alarms when 10 minutes behind). */
export const SEAL_GRACE_MINUTES = 15;

/**
 * Scheduled every hour (lib/schedules.ts): seals every tenant's closed days that have exporter
 * objects not yet covered by their manifest; a late record makes a new revision of its day.
 * Idempotent, so EventBridge's retries are harmless. Any problem (a gap the table cannot fill,
 * a record that differs between copies) is logged and fails the run, which alarms.
 */
export const handler = async (): Promise<{ sealed: number; unchanged: number }> => {
  const { outcomes, problems } = await sealPendingDays({
    store: s3ObjectStore(auditBucketConfig.AUDIT_BUCKET),
    now: new Date(),
    lookbackDays: SEAL_LOOKBACK_DAYS,
    graceMinutes: SEAL_GRACE_MINUTES,
    readLedger: readLedgerRange,
  });
  const sealed = outcomes.filter((outcome) => outcome.status === 'sealed');
  for (const outcome of sealed) {
    logger.info('audit day sealed', {
      tenantId: outcome.tenantId,
      day: outcome.day,
      revision: outcome.manifest.revision,
      records: outcome.manifest.recordCount,
      backfilled: outcome.manifest.backfilled,
      duplicatesDropped: outcome.manifest.duplicatesDropped,
    });
  }
  if (problems.length > 0) {
    for (const problem of problems) logger.error('audit seal problem', { problem });
    throw new Error(`audit sealing found ${problems.length} problem(s); see the log`);
  }
  return { sealed: sealed.length, unchanged: outcomes.filter((outcome) => outcome.status === 'unchanged').length };
};
