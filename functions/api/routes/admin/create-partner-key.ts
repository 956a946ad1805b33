import { CreatePartnerKeyBody, CreatedPartnerKeyView, TenantParams } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const createPartnerKeyRoute = defineRoute({
  operationId: 'createPartnerKey',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/keys',
  summary: 'Create a partner API key (the key is in this answer only)',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: TenantParams, body: CreatePartnerKeyBody },
  responses: [{ status: 201, description: 'Key created', schema: CreatedPartnerKeyView }],
  errors: ['not_found', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/create-partner-key.ts',
});
