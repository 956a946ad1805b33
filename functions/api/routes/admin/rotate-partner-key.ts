import { CreatedPartnerKeyView, KeyParams, RotatePartnerKeyBody } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const rotatePartnerKeyRoute = defineRoute({
  operationId: 'rotatePartnerKey',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/keys/{keyId}/rotate',
  summary: 'Issue a successor key; the old one keeps working for the overlap (default 24 h), then expires',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: KeyParams, body: RotatePartnerKeyBody },
  responses: [{ status: 201, description: 'Successor key created', schema: CreatedPartnerKeyView }],
  errors: ['not_found', 'concurrent_update', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/rotate-partner-key.ts',
});
