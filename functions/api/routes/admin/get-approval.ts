import { ApprovalParams, ApprovalView } from '../../../../schemas/approvals.ts';
import { defineRoute } from '../../route-types.ts';

export const getApprovalRoute = defineRoute({
  operationId: 'getApproval',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/approvals/{approvalId}',
  summary: 'One approval request: its approvals, rejection or expiry, and once applied its transaction',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support', 'finance'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: ApprovalParams },
  responses: [{ status: 200, description: 'The request', schema: ApprovalView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-approval.ts',
});
