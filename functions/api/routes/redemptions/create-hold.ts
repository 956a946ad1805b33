import { HoldBody, HoldResult } from '../../../../schemas/redemptions.ts';
import { defineRoute } from '../../route-types.ts';
import { REDEMPTION_ERRORS } from '../../redemption-errors.ts';

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
  // Open holds are capped per account (limit_exceeded).
  errors: [...REDEMPTION_ERRORS, 'limit_exceeded'],
  handler: 'functions/api/handlers/redemptions/create-hold.ts',
});
