import { ApprovalParams, ApprovalView, RejectBody } from '../../../../schemas/approvals.ts';
import { defineRoute } from '../../route-types.ts';

export const rejectApprovalRoute = defineRoute({
  operationId: 'rejectApproval',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/approvals/{approvalId}/reject',
  summary: 'Reject a request: one rejection ends it (the requester may withdraw their own this way)',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  workflows: { completes: ['Approval'] },
  request: { params: ApprovalParams, body: RejectBody },
  responses: [{ status: 200, description: 'The request, rejected', schema: ApprovalView }],
  errors: [
    'not_found',
    'approval_not_pending',
    'concurrent_update',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
  ],
  handler: 'functions/api/handlers/admin/reject-approval.ts',
});
