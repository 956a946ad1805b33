import { DEFAULT_APPROVAL_EXPIRY_DAYS } from '../domain/approvals.ts';
import type { TenantConfig } from '../domain/tenant-config.ts';

export function tenantView(config: TenantConfig) {
  return {
    tenantId: config.tenantId,
    displayName: config.displayName,
    timeZone: config.timeZone,
    tiers: config.tiers,
    approvals: { expiryDays: config.approvals?.expiryDays ?? DEFAULT_APPROVAL_EXPIRY_DAYS },
    ruleVersions: config.ruleVersions.map(({ version, effectiveFrom, purchasePointsPerUsd, minRedemptionPoints, pointsPerCent }) => ({
      version,
      effectiveFrom,
      purchasePointsPerUsd,
      minRedemptionPoints,
      pointsPerCent,
    })),
  };
}
