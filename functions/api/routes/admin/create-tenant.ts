import { CreateTenantBody, TenantView } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const createTenantRoute = defineRoute({
  operationId: 'createTenant',
  method: 'POST',
  path: '/api/v1/admin/tenants',
  summary: 'Create a tenant with the default money rules',
  auth: 'operator',
  roles: ['platform_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  usageKeys: 'register',
  request: { body: CreateTenantBody },
  responses: [{ status: 201, description: 'Tenant created', schema: TenantView }],
  errors: ['already_exists', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/create-tenant.ts',
});
