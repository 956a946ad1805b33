import { BalanceQuery, BalanceView } from '../../../schemas/balance.ts';
import { defineRoute } from '../route-types.ts';

export const getBalanceRoute = defineRoute({
  operationId: 'getBalance',
  method: 'GET',
  path: '/api/v1/balance',
  summary: 'Balance, available points, holds, points by type and upcoming expiries',
  auth: 'partner',
  scopes: ['read'],
  idempotent: false,
  tableAccess: 'read',
  request: { query: BalanceQuery },
  responses: [{ status: 200, description: 'The balance', schema: BalanceView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/get-balance.ts',
});
