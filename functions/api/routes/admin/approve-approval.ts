import { ApprovalParams, ApprovalView, ApproveBody } from '../../../../schemas/approvals.ts';
import { defineRoute } from '../../route-types.ts';

export const approveApprovalRoute = defineRoute({
  operationId: 'approveApproval',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/approvals/{approvalId}/approve',
  summary:
    'Approve a request (never your own, once per approver); the last required approval runs its action through the workflow, and the answer waits briefly to show it applied',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  workflows: { completes: ['Approval'] },
  request: { params: ApprovalParams, body: ApproveBody },
  responses: [
    { status: 200, description: 'The request as it stands after this approval (pending, approved or applied)', schema: ApprovalView },
  ],
  errors: [
    'not_found',
    'approver_not_allowed',
    'already_approved',
    'approval_not_pending',
    'concurrent_update',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
  ],
  handler: 'functions/api/handlers/admin/approve-approval.ts',
});
