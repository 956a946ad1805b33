import { isDay, isTenantId } from '../../audit/layout.ts';
import type { ObjectStore } from '../../audit/object-store.ts';
import { s3ObjectStore } from '../../audit/s3-objects.ts';
import { planDay } from '../../audit/seal.ts';
import { auditBucketConfig } from '../../config/audit-bucket.ts';
import type { SealItem } from './plan-seals.ts';

/** One range of a planned seal: the SealRange Map's item. */
export interface RangeItem {
  tenantId: string;
  day: string;
  sourcesDigest: string;
  range: number;
}

/** PlanDay's output, which FinishDay takes as its input (the ranges' Map leaves it as it is). */
export interface PlannedDay {
  tenantId: string;
  day: string;
  status: 'empty' | 'unchanged' | 'planned';
  sourcesDigest?: string;
  ranges: RangeItem[];
}

export function checkedItem(item: SealItem): SealItem {
  if (!isTenantId(item?.tenantId) || !isDay(item?.day)) throw new Error(`not a tenant-day: ${JSON.stringify(item)}`);
  return item;
}

/**
 * The first step for one tenant-day of the AuditSeal workflow: nothing to do when the seal
 * already covers the day's exporter objects; else the plan (functions/audit/seal.ts `planDay`)
 * and one Map item per range of it.
 */
export const planDayTask =
  (deps: { store: ObjectStore; now?: () => Date; rangeMaxRecords?: number }) =>
  async (input: SealItem): Promise<PlannedDay> => {
    const { tenantId, day } = checkedItem(input);
    const outcome = await planDay({
      store: deps.store,
      tenantId,
      day,
      now: deps.now?.() ?? new Date(),
      ...(deps.rangeMaxRecords ? { rangeMaxRecords: deps.rangeMaxRecords } : {}),
    });
    if (outcome.status !== 'planned') return { tenantId, day, status: outcome.status, ranges: [] };
    const { sourcesDigest, ranges } = outcome.plan;
    return {
      tenantId,
      day,
      status: 'planned',
      sourcesDigest,
      ranges: ranges.map(({ range }) => ({ tenantId, day, sourcesDigest, range })),
    };
  };

export const handler = planDayTask({ store: s3ObjectStore(auditBucketConfig.AUDIT_BUCKET) });
