import { TenantParams } from '../../../../schemas/admin.ts';
import { TenantConfigView } from '../../../../schemas/tenant-config.ts';
import { defineRoute } from '../../route-types.ts';

export const getTenantConfigRoute = defineRoute({
  operationId: 'getTenantConfig',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/config',
  summary: "A tenant's configuration: the version in force now and every version kept, scheduled ones included",
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support', 'finance'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: TenantParams },
  responses: [{ status: 200, description: 'The configuration versions', schema: TenantConfigView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-tenant-config.ts',
});
