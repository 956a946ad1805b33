import { RedemptionParams, ReleaseResult } from '../../../../schemas/redemptions.ts';
import { defineRoute } from '../../route-types.ts';

export const releaseHoldRoute = defineRoute({
  operationId: 'releaseRedemption',
  method: 'POST',
  path: '/api/v1/redemptions/{redemptionId}/release',
  summary: 'Give the held points back (no body); the order may then be redeemed again',
  auth: 'partner',
  scopes: ['redeem'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: RedemptionParams },
  responses: [{ status: 200, description: 'Released', schema: ReleaseResult }],
  errors: [
    'not_found',
    'redemption_not_held',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'concurrent_update',
  ],
  handler: 'functions/api/handlers/redemptions/release-hold.ts',
});
