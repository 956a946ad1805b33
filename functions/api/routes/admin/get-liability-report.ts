import { TenantParams } from '../../../../schemas/admin.ts';
import { LiabilityReport } from '../../../../schemas/reports.ts';
import { defineRoute } from '../../route-types.ts';

export const getLiabilityReportRoute = defineRoute({
  operationId: 'getLiabilityReport',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/reports/liability',
  summary: 'Outstanding points now, by point type and expiry month, with their value (from the reports read model)',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'finance', 'support'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: TenantParams },
  responses: [{ status: 200, description: 'The liability as of now', schema: LiabilityReport }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-liability-report.ts',
});
