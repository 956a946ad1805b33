import { ApprovalList, ListApprovalsQuery } from '../../../../schemas/approvals.ts';
import { TenantParams } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const listApprovalsRoute = defineRoute({
  operationId: 'listApprovals',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/approvals',
  summary: "A tenant's approval requests of one status (pending unless asked), oldest first, cursor-paginated",
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support', 'finance'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: TenantParams, query: ListApprovalsQuery },
  responses: [{ status: 200, description: 'A page of requests; follow nextCursor for the rest', schema: ApprovalList }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/list-approvals.ts',
});
