import { DEFAULT_ACCOUNT_WRITES_PER_MINUTE } from './rate-limit.ts';

/**
 * A tenant's money rules. Rule versions are effective-dated and never edited once in force:
 * a change is a new version, so an event is always priced by the version in force at its
 * `occurredAt` and the ledger records which one that was.
 */
export interface RuleVersion {
  version: number;
  effectiveFrom: string;
  /** Points per 1.00 USD of order subtotal (after discounts, before taxes and fees). */
  purchasePointsPerUsd: number;
  /** Tier multipliers in basis points (10000 = 1x), keyed by tier name. */
  tierMultipliersBp: Record<string, number>;
  expiryDays: { purchase: number; bonus: number; promotionDefault: number; adjustment: number };
  /** Allowed range of a promotion campaign's life, in days. */
  promotionDaysRange: { min: number; max: number };
  minRedemptionPoints: number;
  /** How many points make one cent of discount (1000 points = 1.00 USD gives 10). */
  pointsPerCent: number;
}

export interface TenantConfig {
  tenantId: string;
  displayName: string;
  timeZone: string;
  tiers: string[];
  ruleVersions: RuleVersion[];
  limits?: { accountWritesPerMinute?: number };
  /** Approval requests expire when undecided this long (7 days unless set; fractions of a day allowed). */
  approvals?: { expiryDays?: number };
}

export const accountWriteLimit = (config: TenantConfig) => config.limits?.accountWritesPerMinute ?? DEFAULT_ACCOUNT_WRITES_PER_MINUTE;

export const DEFAULT_TIERS = ['Guest', 'Member', 'VIP Bronze', 'VIP Silver', 'VIP Gold'];

export function defaultRuleVersion(effectiveFrom: string): RuleVersion {
  return {
    version: 1,
    effectiveFrom,
    purchasePointsPerUsd: 12,
    tierMultipliersBp: Object.fromEntries(DEFAULT_TIERS.map((tier) => [tier, 10_000])),
    expiryDays: { purchase: 365, bonus: 365, promotionDefault: 90, adjustment: 365 },
    promotionDaysRange: { min: 30, max: 90 },
    minRedemptionPoints: 5000,
    pointsPerCent: 10,
  };
}

export function defaultTenantConfig(tenantId: string, displayName: string, effectiveFrom: string): TenantConfig {
  return {
    tenantId,
    displayName,
    timeZone: 'America/Toronto',
    tiers: DEFAULT_TIERS,
    ruleVersions: [defaultRuleVersion(effectiveFrom)],
  };
}

/** The version in force at an instant: the latest whose `effectiveFrom` is not after it. */
export function ruleInForce(config: TenantConfig, at: string): RuleVersion | undefined {
  const atMs = Date.parse(at);
  let best: RuleVersion | undefined;
  for (const rule of config.ruleVersions) {
    if (Date.parse(rule.effectiveFrom) <= atMs && (!best || rule.effectiveFrom >= best.effectiveFrom)) best = rule;
  }
  return best;
}
