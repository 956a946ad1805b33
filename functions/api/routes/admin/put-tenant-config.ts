import { TenantParams } from '../../../../schemas/admin.ts';
import { PutTenantConfigAnswer, PutTenantConfigBody } from '../../../../schemas/tenant-config.ts';
import { defineRoute } from '../../route-types.ts';

export const putTenantConfigRoute = defineRoute({
  operationId: 'putTenantConfig',
  method: 'PUT',
  path: '/api/v1/admin/tenants/{tenantId}/config',
  summary:
    'Make a new configuration version effective from effectiveFrom (now by default, never in the past): each section given replaces that section of the version in force then, members left out keep their value',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: TenantParams, body: PutTenantConfigBody },
  responses: [{ status: 201, description: 'The version made, and every version kept', schema: PutTenantConfigAnswer }],
  errors: [
    'not_found',
    'limit_exceeded',
    'concurrent_update',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
  ],
  handler: 'functions/api/handlers/admin/put-tenant-config.ts',
});
