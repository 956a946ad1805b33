import { EarnBody, EarnResult } from '../../../schemas/earn.ts';
import { defineRoute } from '../route-types.ts';

export const earnRoute = defineRoute({
  operationId: 'earn',
  method: 'POST',
  path: '/api/v1/earn',
  summary: 'Credit points for a purchase, a promotion or a bonus',
  auth: 'partner',
  scopes: ['earn'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { body: EarnBody },
  responses: [{ status: 201, description: 'Points credited', schema: EarnResult }],
  errors: [
    'not_found',
    'duplicate_order',
    'account_locked',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'concurrent_update',
  ],
  handler: 'functions/api/handlers/earn.ts',
});
