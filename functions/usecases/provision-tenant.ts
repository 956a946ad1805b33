import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { defaultTenantConfig, type TenantConfig } from '../domain/tenant-config.ts';
import type { PartnerScope } from '../domain/vocabulary.ts';
import { getDocumentClient } from '../store/client.ts';
import { putTenantIfAbsent } from '../store/tenants.ts';
import { ALL_PARTNER_SCOPES, issuePartnerKey } from './partner-keys.ts';

export { ALL_PARTNER_SCOPES } from './partner-keys.ts';

/**
 * Bootstrap path for the local service and deploy scripts (operators use the admin routes):
 * creates the tenant with default rules if it does not exist and mints a new partner key.
 * The key is returned once and stored only as its keyed hash.
 */
export async function provisionTenant(input: {
  tenantId: string;
  displayName: string;
  scopes?: PartnerScope[];
  limits?: TenantConfig['limits'];
  now?: Date;
}): Promise<{ tenantId: string; partnerKey: string; keyId: string }> {
  const now = (input.now ?? new Date()).toISOString();
  // Rules apply from the epoch so events dated before the tenant existed still price.
  const config = defaultTenantConfig(input.tenantId, input.displayName, '1970-01-01T00:00:00.000Z');
  await putTenantIfAbsent(input.limits ? { ...config, limits: input.limits } : config);
  const { key, record, items } = issuePartnerKey({ tenantId: input.tenantId, scopes: input.scopes ?? ALL_PARTNER_SCOPES, now });
  await getDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
  return { tenantId: input.tenantId, partnerKey: key, keyId: record.keyId };
}
