import type { ErrorCode } from '../../schemas/error-codes.ts';
import type { RefusalCode } from '../domain/result.ts';

/**
 * The one table from domain refusals to public problem codes (each code's HTTP status and
 * title are in schemas/error-codes.ts). The domain names one code per rule; the public code
 * stays the documented one (SPEC section 5), so several rules may share a public code.
 */
export const REFUSAL_TABLE: Record<RefusalCode, ErrorCode> = {
  account_not_found: 'not_found',
  order_not_found: 'not_found',
  // Another account's order is not this account's to know about: the same 404.
  order_of_another_account: 'not_found',
  tenant_not_found: 'not_found',
  tenant_not_provisioned: 'forbidden',
  tenant_already_exists: 'already_exists',
  effective_from_in_past: 'validation_error',
  effective_from_too_soon: 'validation_error',
  too_many_config_versions: 'limit_exceeded',
  config_too_large: 'limit_exceeded',
  config_invalid: 'validation_error',
  partner_key_not_found: 'not_found',
  expiry_not_in_future: 'validation_error',
  duplicate_order: 'duplicate_order',
  occurred_at_out_of_range: 'validation_error',
  no_rule_in_force: 'validation_error',
  promotion_days_out_of_range: 'validation_error',
  expired_on_arrival: 'expired_on_arrival',
  account_locked: 'account_locked',
  below_minimum_redemption: 'below_minimum_redemption',
  points_not_whole_cents: 'validation_error',
  negative_balance: 'insufficient_points',
  insufficient_points: 'insufficient_points',
  redemption_not_found: 'not_found',
  redemption_not_held: 'redemption_not_held',
  // One public code for every count limit (`limit`, `window`, `remaining` tell which).
  too_many_holds: 'limit_exceeded',
  hold_not_due: 'redemption_not_held',
  discount_above_cap: 'discount_above_cap',
  // SPEC section 10 names `account_too_new` for an account below a minimum age.
  redemption_cooldown: 'account_too_new',
  // One public code for both windows, told apart by `window` (as `limit_exceeded` is for transfer caps).
  redemptions_per_hour_exceeded: 'redemption_rate_limited',
  redemptions_per_day_exceeded: 'redemption_rate_limited',
  too_many_ip_hashes: 'too_many_ip_addresses',
  nothing_to_reverse: 'nothing_to_reverse',
  // Only the expiry sweep decides this; it never reaches HTTP.
  nothing_to_expire: 'not_found',
  reversal_exceeds_unreversed: 'limit_exceeded',
  unknown_tier: 'validation_error',
  rate_limited: 'rate_limited',
  lock_not_found: 'not_found',
  lock_until_not_in_future: 'validation_error',
  too_many_locks: 'limit_exceeded',
  approver_not_allowed: 'approver_not_allowed',
  already_approved: 'already_approved',
  // A third tenant admin where two were needed: nothing for this approval to do.
  approver_not_needed: 'already_approved',
  approval_not_pending: 'approval_not_pending',
  approval_expired: 'approval_not_pending',
  approval_not_found: 'not_found',
  adjustment_not_allowed: 'forbidden',
};
