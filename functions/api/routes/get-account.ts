import { AccountPathParams, AccountView } from '../../../schemas/accounts.ts';
import { defineRoute } from '../route-types.ts';

export const getAccountRoute = defineRoute({
  operationId: 'getAccount',
  method: 'GET',
  path: '/api/v1/accounts/{accountId}',
  summary: 'An account with its trust level, tier and partner-visible locks',
  auth: 'partner',
  scopes: ['accounts', 'read'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: AccountPathParams },
  responses: [{ status: 200, description: 'The account', schema: AccountView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/get-account.ts',
});
