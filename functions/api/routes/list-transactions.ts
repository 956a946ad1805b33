import { TransactionsPage, TransactionsQuery } from '../../../schemas/transactions.ts';
import { defineRoute } from '../route-types.ts';

export const listTransactionsRoute = defineRoute({
  operationId: 'listTransactions',
  method: 'GET',
  path: '/api/v1/transactions',
  summary: 'Ledger entries of an account, newest first, filterable, cursor-paginated',
  auth: 'partner',
  scopes: ['read'],
  idempotent: false,
  tableAccess: 'read',
  request: { query: TransactionsQuery },
  responses: [
    {
      status: 200,
      description:
        'A page of entries. Each request reads at most about 1,000 ledger entries, so a rarely matching filter may answer fewer items than limit, ' +
        'even none, with a nextCursor: fewer items than limit with a nextCursor means keep going; only an answer without nextCursor is the end. ' +
        'from and to seek (they narrow what is read), so a time window is the cheapest filter.',
      schema: TransactionsPage,
    },
  ],
  errors: ['not_found'],
  handler: 'functions/api/handlers/list-transactions.ts',
});
