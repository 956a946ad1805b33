import { AuditExportDayView, AuditExportParams } from '../../../../schemas/audit-exports.ts';
import { defineRoute } from '../../route-types.ts';

export const getAuditExportRoute = defineRoute({
  operationId: 'getAuditExport',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/audit-exports/{day}',
  summary: "A sealed day of a tenant's audit export: its manifest and objects, with download links valid for 5 minutes",
  auth: 'operator',
  roles: ['platform_admin', 'finance'],
  idempotent: false,
  tableAccess: 'none',
  auditExports: 'read',
  request: { params: AuditExportParams },
  responses: [{ status: 200, description: 'The sealed day', schema: AuditExportDayView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-audit-export.ts',
});
