import { RedemptionParams, RedemptionView } from '../../../../schemas/redemptions.ts';
import { defineRoute } from '../../route-types.ts';

export const getRedemptionRoute = defineRoute({
  operationId: 'getRedemption',
  method: 'GET',
  path: '/api/v1/redemptions/{redemptionId}',
  summary: 'A two-phase redemption and its status (held, committed, released, or expired: a hold past its end, by itself)',
  auth: 'partner',
  scopes: ['redeem', 'read'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: RedemptionParams },
  responses: [{ status: 200, description: 'The redemption', schema: RedemptionView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/redemptions/get-redemption.ts',
});
