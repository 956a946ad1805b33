import { RedeemBody, RedeemResult } from '../../../schemas/redeem.ts';
import { defineRoute } from '../route-types.ts';
import { REDEMPTION_ERRORS } from '../redemption-errors.ts';

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
  errors: [...REDEMPTION_ERRORS],
  handler: 'functions/api/handlers/redeem.ts',
});
