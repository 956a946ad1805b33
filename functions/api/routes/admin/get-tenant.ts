import { TenantParams, TenantView } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const getTenantRoute = defineRoute({
  operationId: 'getTenant',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}',
  summary: "A tenant's configuration",
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support', 'finance'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: TenantParams },
  responses: [{ status: 200, description: 'The tenant', schema: TenantView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-tenant.ts',
});
