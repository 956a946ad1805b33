/**
 * The one table of problem codes: every refusal the API can give, its HTTP status and title.
 * Handlers, the local gateway and the OpenAPI document all read it from here.
 */
export const ERROR_CODES = {
  validation_error: { status: 400, title: 'The request is not valid' },
  idempotency_key_missing: { status: 400, title: 'An Idempotency-Key header is required' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Not allowed for these credentials' },
  approver_not_allowed: { status: 403, title: 'The requester may not approve their own request' },
  not_found: { status: 404, title: 'No such resource' },
  method_not_allowed: { status: 405, title: 'Method not allowed on this resource' },
  idempotency_key_in_use: { status: 409, title: 'A request with this Idempotency-Key is still in flight' },
  already_exists: { status: 409, title: 'It already exists' },
  duplicate_order: { status: 409, title: 'This order has already earned or redeemed points' },
  concurrent_update: { status: 409, title: 'The account changed concurrently; retry the request' },
  already_approved: { status: 409, title: 'This approver has already approved, or no approval of their role is still needed' },
  redemption_not_held: { status: 409, title: 'The redemption is no longer held (committed, released or expired)' },
  approval_not_pending: { status: 409, title: 'The approval request is no longer pending (approved, applied, rejected or expired)' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  request_header_fields_too_large: { status: 431, title: 'The request headers are too large' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  insufficient_points: { status: 422, title: 'Not enough available points' },
  below_minimum_redemption: { status: 422, title: 'Below the minimum redemption' },
  discount_above_cap: { status: 422, title: "The discount is above the cap of the account's tier" },
  expired_on_arrival: { status: 422, title: 'These points would already have expired when they arrive' },
  nothing_to_reverse: { status: 422, title: 'Nothing left to reverse on this order' },
  limit_exceeded: { status: 422, title: 'A limit would be exceeded' },
  cooling_period: { status: 422, title: 'A cooling period is in force' },
  account_too_new: { status: 422, title: 'The account is too new for this operation' },
  too_many_ip_addresses: { status: 422, title: 'This account has been used from too many client addresses today' },
  account_locked: { status: 423, title: 'The account is locked for this operation' },
  rate_limited: { status: 429, title: 'Too many requests' },
  redemption_rate_limited: { status: 429, title: 'This account has redeemed too often in the hour or day' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'A dependency is unavailable; retry shortly' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** Problem `type` URIs are stable and documented in the integration guide. */
export const problemTypeUri = (code: ErrorCode) => `https://docs.redroomrewards.dev/problems/${code}`;
