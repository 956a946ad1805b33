import { planSeals, SEAL_GRACE_MINUTES } from '../../audit/pending.ts';
import { s3ObjectStore } from '../../audit/s3-objects.ts';
import { auditBucketConfig } from '../../config/audit-bucket.ts';

export interface SealItem {
  tenantId: string;
  day: string;
}

/**
 * The AuditSeal workflow's first step (every hour): the closed tenant-days the exporter marked
 * as changed since their last seal, one Map item each. Reads only the small pending/ listing.
 */
export const handler = async (): Promise<{ items: SealItem[] }> => ({
  items: await planSeals({ store: s3ObjectStore(auditBucketConfig.AUDIT_BUCKET), now: new Date(), graceMinutes: SEAL_GRACE_MINUTES }),
});
