import { readLedgerRange } from '../../audit/ledger-reader.ts';
import type { ObjectStore } from '../../audit/object-store.ts';
import { s3ObjectStore } from '../../audit/s3-objects.ts';
import { type LedgerReader, sealRange } from '../../audit/seal.ts';
import { auditBucketConfig } from '../../config/audit-bucket.ts';
import { checkedItem, type RangeItem } from './plan-day.ts';

/**
 * One range of a planned tenant-day (functions/audit/seal.ts `sealRange`): its records in order
 * as parts, its wallets indexed, its summary written for FinishDay. Memory does not grow with
 * the day (/tmp holds the sorted runs) and the work is bounded by the range's size plus one
 * cheap scan of the day. Idempotent: a retry writes the same objects.
 */
export const sealRangeTask =
  (deps: { store: ObjectStore; readLedger?: LedgerReader; now?: () => Date }) =>
  async (input: RangeItem): Promise<{ range: number; records: number }> => {
    const { tenantId, day } = checkedItem(input);
    if (typeof input.sourcesDigest !== 'string' || !Number.isInteger(input.range)) throw new Error(`not a range: ${JSON.stringify(input)}`);
    const summary = await sealRange({
      store: deps.store,
      tenantId,
      day,
      now: deps.now?.() ?? new Date(),
      sourcesDigest: input.sourcesDigest,
      range: input.range,
      ...(deps.readLedger ? { readLedger: deps.readLedger } : {}),
    });
    return { range: summary.range, records: summary.records };
  };

export const handler = sealRangeTask({ store: s3ObjectStore(auditBucketConfig.AUDIT_BUCKET), readLedger: readLedgerRange });
