/**
 * One refusal code per rule. These are domain facts, not HTTP: `api/refusal-table.ts` maps
 * each to a status and a public problem code.
 */
export const REFUSAL_CODES = [
  // Facts about what the request names.
  'account_not_found',
  'order_not_found',
  'order_of_another_account',
  'tenant_not_found',
  'tenant_not_provisioned',
  'tenant_already_exists',
  // Tenant configuration.
  'effective_from_in_past',
  'effective_from_too_soon',
  'too_many_config_versions',
  'config_too_large',
  'config_invalid',
  'partner_key_not_found',
  'expiry_not_in_future',
  // Earning.
  'duplicate_order',
  'occurred_at_out_of_range',
  'no_rule_in_force',
  'promotion_days_out_of_range',
  'expired_on_arrival',
  // Redemption.
  'account_locked',
  'below_minimum_redemption',
  'points_not_whole_cents',
  'negative_balance',
  'insufficient_points',
  // Two-phase redemption.
  'redemption_not_found',
  'redemption_not_held',
  'too_many_holds',
  // Only the hold's timer meets this (it retries); never answered to a partner.
  'hold_not_due',
  // A tier's cap on the discount, as a percentage of the order subtotal.
  'discount_above_cap',
  // Redemption anti-fraud (tenant configuration, section redemption).
  'redemption_cooldown',
  'redemptions_per_hour_exceeded',
  'redemptions_per_day_exceeded',
  'too_many_ip_hashes',
  // Reversal.
  'nothing_to_reverse',
  // Expiry sweep (system-run; never answered to a partner).
  'nothing_to_expire',
  'reversal_exceeds_unreversed',
  // Accounts.
  'unknown_tier',
  // Controls.
  'rate_limited',
  'lock_not_found',
  'lock_until_not_in_future',
  'too_many_locks',
  // Approvals.
  'approver_not_allowed',
  'already_approved',
  'approver_not_needed',
  'approval_not_pending',
  'approval_expired',
  'approval_not_found',
  'adjustment_not_allowed',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** A refusal names its rule with a stable code; `extra` carries machine-readable detail. */
export interface Refusal {
  ok: false;
  code: RefusalCode;
  detail: string;
  extra?: Record<string, unknown>;
}

export const refuse = (code: RefusalCode, detail: string, extra?: Record<string, unknown>): Refusal => ({
  ok: false,
  code,
  detail,
  ...(extra ? { extra } : {}),
});
