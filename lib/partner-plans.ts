/**
 * Partner plans: per-key throttle (requests per second, burst) and monthly quota, enforced by
 * API Gateway usage plans before any Lambda runs. No CDK import: the provisioning script
 * reads the names from here too.
 */
export const PARTNER_PLANS = {
  standard: { rateLimit: 50, burstLimit: 100, monthlyQuota: 5_000_000 },
  high: { rateLimit: 500, burstLimit: 1000, monthlyQuota: 100_000_000 },
} as const;

export type PartnerPlan = keyof typeof PARTNER_PLANS;

/** Plans are found by name (scripts/provision-tenant.ts), so names are stable per stage. */
export const usagePlanName = (stage: string, plan: PartnerPlan) => `redroomrewards-${stage}-${plan}`;
