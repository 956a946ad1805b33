import { AccountPathParams, AccountUpsertBody, AccountView } from '../../../schemas/accounts.ts';
import { defineRoute } from '../route-types.ts';

export const putAccountRoute = defineRoute({
  operationId: 'putAccount',
  method: 'PUT',
  path: '/api/v1/accounts/{accountId}',
  summary: 'Create or update an account: linked profile, verification flags, tier',
  auth: 'partner',
  scopes: ['accounts'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: AccountPathParams, body: AccountUpsertBody },
  responses: [
    { status: 201, description: 'Account created', schema: AccountView },
    { status: 200, description: 'Account updated', schema: AccountView },
  ],
  errors: ['account_locked', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused', 'concurrent_update'],
  handler: 'functions/api/handlers/put-account.ts',
});
