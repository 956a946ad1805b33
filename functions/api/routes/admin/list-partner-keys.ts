import { PageQuery, PartnerKeyList, TenantParams } from '../../../../schemas/admin.ts';
import { defineRoute } from '../../route-types.ts';

export const listPartnerKeysRoute = defineRoute({
  operationId: 'listPartnerKeys',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/keys',
  summary: "A tenant's partner keys (never the keys themselves), with last use, cursor-paginated",
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: TenantParams, query: PageQuery },
  responses: [{ status: 200, description: 'A page of the keys, in key id order; follow nextCursor for the rest', schema: PartnerKeyList }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/list-partner-keys.ts',
});
