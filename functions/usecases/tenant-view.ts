import { approvalExpiryDays, ruleInForce, type TenantConfig } from '../domain/tenant-config.ts';

/** The tenant as operators see it: the version in force now, and a summary of every version. */
export function tenantView(config: TenantConfig, now = new Date().toISOString()) {
  const current = ruleInForce(config, now);
  return {
    tenantId: config.tenantId,
    displayName: config.displayName,
    timeZone: config.timeZone,
    tiers: current?.tiers.map((tier) => tier.name) ?? [],
    approvals: { expiryDays: approvalExpiryDays(config, now) },
    ruleVersions: config.versions.map(({ version, effectiveFrom, earning, redemption }) => ({
      version,
      effectiveFrom,
      purchasePointsPerUsd: earning.purchasePointsPerUsd,
      minRedemptionPoints: redemption.minPoints,
      pointsPerCent: redemption.pointsPerCent,
    })),
  };
}

/** GET /admin/tenants/{t}/config: the version in force now and every version kept, oldest first. */
export function tenantConfigView(config: TenantConfig, now = new Date().toISOString()) {
  const current = ruleInForce(config, now);
  const versions = [...config.versions].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom) || a.version - b.version);
  return { tenantId: config.tenantId, ...(current ? { current } : {}), versions };
}
