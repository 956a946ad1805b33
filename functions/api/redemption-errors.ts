import type { ErrorCode } from '../../schemas/error-codes.ts';

/** What a redemption (one-shot redeem, or a two-phase hold) may be refused with: the rules both meet (redemption-checks.ts). */
export const REDEMPTION_ERRORS = [
  'not_found',
  'insufficient_points',
  'below_minimum_redemption',
  'discount_above_cap',
  'account_locked',
  'duplicate_order',
  'account_too_new',
  'redemption_rate_limited',
  'too_many_ip_addresses',
  'rate_limited',
  'idempotency_key_missing',
  'idempotency_key_in_use',
  'idempotency_key_reused',
  'concurrent_update',
] as const satisfies readonly ErrorCode[];
