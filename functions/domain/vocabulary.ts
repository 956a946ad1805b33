/**
 * The shared names of the service, declared once: every layer (api, store, usecases, lib,
 * local tools, schemas and tests) imports them from here, inward, and no outer layer declares
 * its own list. Each list is the value (for validation, iteration and exhaustive tables);
 * each type is derived from its list.
 */

/** What a partner key may do; a route names the scopes (any of them) it accepts. */
export const PARTNER_SCOPES = ['accounts', 'earn', 'redeem', 'read', 'transfer', 'award', 'merge'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

/** Operator roles: Cognito groups of the same names. */
export const OPERATOR_ROLES = ['platform_admin', 'tenant_admin', 'support', 'finance'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Whether a function may read or write the table (drives least-privilege IAM). */
export const TABLE_ACCESS_MODES = ['none', 'read', 'readwrite'] as const;
export type TableAccess = (typeof TABLE_ACCESS_MODES)[number];

/** Kinds of points; each credit creates or tops up a lot of one type. */
export const POINT_TYPES = ['purchase', 'promotion', 'bonus', 'gift', 'allocation', 'adjustment'] as const;
export type PointType = (typeof POINT_TYPES)[number];

/** What a lock blocks: `redemption` redeems and holds, `transfer` transfers out and in, `account` every partner-initiated change but reversals. */
export const LOCK_KINDS = ['transfer', 'redemption', 'account'] as const;
export type LockKind = (typeof LOCK_KINDS)[number];

/** Why an operator applies a lock. */
export const LOCK_REASON_CODES = [
  'fraud_suspected',
  'chargeback_review',
  'account_review',
  'member_request',
  'compliance',
  'other',
] as const;
export type LockReasonCode = (typeof LOCK_REASON_CODES)[number];

/** Why an operator lifts one. */
export const LOCK_LIFT_REASON_CODES = ['review_cleared', 'resolved', 'member_request', 'applied_in_error', 'other'] as const;
export type LockLiftReasonCode = (typeof LOCK_LIFT_REASON_CODES)[number];

/** Why an operator adjusts a balance; `service_credit` is the one support staff may request (up to 100 points). */
export const ADJUSTMENT_REASON_CODES = ['goodwill', 'service_credit', 'correction', 'fraud_recovery', 'migration', 'other'] as const;
export type AdjustmentReasonCode = (typeof ADJUSTMENT_REASON_CODES)[number];

/** Why an approver rejects a request. */
export const APPROVAL_REJECT_REASON_CODES = [
  'not_justified',
  'insufficient_evidence',
  'wrong_amount',
  'duplicate',
  'withdrawn',
  'other',
] as const;

export function isPartnerScope(value: string): value is PartnerScope {
  return (PARTNER_SCOPES as readonly string[]).includes(value);
}

export function isOperatorRole(value: string): value is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(value);
}
