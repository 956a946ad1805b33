import { ReversalBody, ReversalResult } from '../../../schemas/reversals.ts';
import { defineRoute } from '../route-types.ts';

export const createReversalRoute = defineRoute({
  operationId: 'createReversal',
  method: 'POST',
  path: '/api/v1/reversals',
  summary: 'Reverse points an order earned (refund or chargeback); may leave the balance negative',
  auth: 'partner',
  scopes: ['earn'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { body: ReversalBody },
  responses: [{ status: 201, description: 'Points reversed', schema: ReversalResult }],
  errors: [
    'not_found',
    'nothing_to_reverse',
    'limit_exceeded',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'concurrent_update',
  ],
  handler: 'functions/api/handlers/create-reversal.ts',
});
