import type { infer as Infer } from 'zod/mini';
import type { PartnerPlanName } from '../schemas/admin.ts';

/**
 * Partner plans: per-tenant throttle (requests per second, burst) and monthly quota, enforced
 * by API Gateway usage plans after the partner authorizer and before the route's Lambda runs.
 * Each tenant has one usage key on its plan (functions/security/usage-keys.ts). No CDK import:
 * the provisioning script and the local service read the names and limits from here too.
 */
export const PARTNER_PLANS = {
  standard: { rateLimit: 50, burstLimit: 100, monthlyQuota: 5_000_000 },
  high: { rateLimit: 500, burstLimit: 1000, monthlyQuota: 100_000_000 },
} as const satisfies Record<Infer<typeof PartnerPlanName>, { rateLimit: number; burstLimit: number; monthlyQuota: number }>;

export type PartnerPlan = keyof typeof PARTNER_PLANS;

/** Plans are found by name (the tenant-creation function, scripts/provision-tenant.ts), so names are stable per stage. */
export const usagePlanName = (stage: string, plan: PartnerPlan) => `redroomrewards-${stage}-${plan}`;

/** The local gateway's throttle for a plan (an unknown plan gets the standard one). */
export function planRateLimit(plan: string | undefined): { perSecond: number; burst: number } {
  const limits = PARTNER_PLANS[(plan ?? 'standard') as PartnerPlan] ?? PARTNER_PLANS.standard;
  return { perSecond: limits.rateLimit, burst: limits.burstLimit };
}
