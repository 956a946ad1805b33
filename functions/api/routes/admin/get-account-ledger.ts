import { AccountLedgerParams, OperatorLedgerPage, PageQuery } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const getAccountLedgerRoute = defineRoute({
  operationId: 'getAccountLedger',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/accounts/{accountId}/ledger',
  summary: "An account's full audit trail, operator-only fields included, newest first",
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support', 'finance'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: AccountLedgerParams, query: PageQuery },
  responses: [{ status: 200, description: 'A page of ledger entries', schema: OperatorLedgerPage }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-account-ledger.ts',
});
