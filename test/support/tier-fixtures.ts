import { defaultTenantConfig, withSections, type TenantConfig } from '../../functions/domain/tenant-config.ts';
import type { TierQualification } from '../../functions/domain/tier-qualification.ts';

/**
 * A tenant whose tiers are earned: Guest from 0, Member from 1000, VIP Bronze from 5000, VIP
 * Gold from 20000 qualifying points (multipliers 1, 1.5, 2, 3; discount caps 100, 100, 50, 20%),
 * qualification on with a 12-month window judged at each month end unless told otherwise.
 */
export const TIERS = [
  { name: 'Guest', minPoints: 0, multiplier: 1, maxDiscountPercent: 100 },
  { name: 'Member', minPoints: 1000, multiplier: 1.5, maxDiscountPercent: 100 },
  { name: 'VIP Bronze', minPoints: 5000, multiplier: 2, maxDiscountPercent: 50 },
  { name: 'VIP Gold', minPoints: 20_000, multiplier: 3, maxDiscountPercent: 20 },
];

export function tieredConfig(qualification: Partial<TierQualification> = {}): TenantConfig {
  const base = defaultTenantConfig('t1', 'Tenant one', '2020-01-01T00:00:00.000Z');
  const version = withSections(base.versions[0]!, {
    tiers: TIERS,
    tierQualification: { enabled: true, windowMonths: 12, period: 'month', sources: ['purchase'], ...qualification },
  });
  return { ...base, versions: [version] };
}
