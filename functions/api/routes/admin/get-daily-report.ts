import { TenantParams } from '../../../../schemas/admin.ts';
import { DailyReport, DailyReportQuery } from '../../../../schemas/reports.ts';
import { defineRoute } from '../../route-types.ts';

export const getDailyReportRoute = defineRoute({
  operationId: 'getDailyReport',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/reports/daily',
  summary: 'Points issued, redeemed, expired, adjusted and reversed per UTC day (from the reports read model), at most 366 days',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'finance', 'support'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: TenantParams, query: DailyReportQuery },
  responses: [{ status: 200, description: 'Every day of the range, days without activity as zeros', schema: DailyReport }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-daily-report.ts',
});
