import { KeyParams, PartnerKeyView, RevokePartnerKeyBody } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const revokePartnerKeyRoute = defineRoute({
  operationId: 'revokePartnerKey',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/keys/{keyId}/revoke',
  summary: 'Revoke a partner key (effective within the authorizer cache time, 300 s on AWS)',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: KeyParams, body: RevokePartnerKeyBody },
  responses: [{ status: 200, description: 'Key revoked', schema: PartnerKeyView }],
  errors: ['not_found', 'concurrent_update', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/revoke-partner-key.ts',
});
