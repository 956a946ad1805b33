import { RedeemBody, RedeemResult } from '../../../schemas/redeem.ts';
import { defineRoute } from '../route-types.ts';

export const redeemRoute = defineRoute({
  operationId: 'redeem',
  method: 'POST',
  path: '/api/v1/redeem',
  summary: 'Redeem points for a discount in one step',
  auth: 'partner',
  scopes: ['redeem'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { body: RedeemBody },
  responses: [{ status: 201, description: 'Points redeemed', schema: RedeemResult }],
  errors: [
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
  ],
  handler: 'functions/api/handlers/redeem.ts',
});
