import { HoldBody, HoldResult } from '../../../../schemas/redemptions.ts';
import { defineRoute } from '../../route-types.ts';

export const createHoldRoute = defineRoute({
  operationId: 'createRedemptionHold',
  method: 'POST',
  path: '/api/v1/redemptions',
  summary: 'Reserve points for an order (two-phase checkout): a hold that releases itself at expiresAt unless committed',
  auth: 'partner',
  scopes: ['redeem'],
  idempotent: true,
  tableAccess: 'readwrite',
  workflows: { starts: ['RedemptionHold'] },
  request: { body: HoldBody },
  responses: [{ status: 201, description: 'Points held', schema: HoldResult }],
  errors: [
    'not_found',
    'insufficient_points',
    'below_minimum_redemption',
    'discount_above_cap',
    'account_locked',
    'duplicate_order',
    'limit_exceeded',
    'account_too_new',
    'redemption_rate_limited',
    'too_many_ip_addresses',
    'rate_limited',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'concurrent_update',
  ],
  handler: 'functions/api/handlers/redemptions/create-hold.ts',
});
