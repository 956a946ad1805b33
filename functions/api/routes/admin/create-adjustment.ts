import { ApprovalView, CreateAdjustmentBody } from '../../../../schemas/approvals.ts';
import { TenantParams } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const createAdjustmentRoute = defineRoute({
  operationId: 'createAdjustment',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/adjustments',
  summary:
    'Request a manual adjustment (signed points, reason code, ticket, private note); applied once its approvals land (up to 100 points 1 tenant admin, to 500 two, above that two and a platform admin)',
  auth: 'operator',
  // Support staff may request service credits of up to 100 points; only admins approve.
  roles: ['platform_admin', 'tenant_admin', 'support'],
  idempotent: true,
  tableAccess: 'readwrite',
  workflows: { starts: ['Approval'] },
  request: { params: TenantParams, body: CreateAdjustmentBody },
  responses: [{ status: 202, description: 'The approval request, pending; follow it at /approvals/{approvalId}', schema: ApprovalView }],
  errors: ['not_found', 'concurrent_update', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/create-adjustment.ts',
});
