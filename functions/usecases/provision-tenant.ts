import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { defaultTenantConfig, type TenantConfig } from '../domain/tenant-config.ts';
import type { PartnerScope } from '../domain/vocabulary.ts';
import { newUsageKeyValue } from '../security/usage-keys.ts';
import { getDocumentClient } from '../store/client.ts';
import { putTenantIfAbsent, type TenantUsage } from '../store/tenants.ts';
import { ALL_PARTNER_SCOPES, issuePartnerKey } from './partner-keys.ts';

export { ALL_PARTNER_SCOPES } from './partner-keys.ts';

/**
 * Bootstrap path for the local service and deploy scripts (operators use the admin routes):
 * creates the tenant with default rules if it does not exist and mints a new partner key.
 * The key is returned once and stored only as its keyed hash. The tenant's usage key (new,
 * or the one it has) is returned for the deploy script to register with API Gateway.
 */
export async function provisionTenant(input: {
  tenantId: string;
  displayName: string;
  scopes?: PartnerScope[];
  limits?: TenantConfig['limits'];
  plan?: TenantUsage['plan'];
  now?: Date;
}): Promise<{ tenantId: string; partnerKey: string; keyId: string; usage: TenantUsage }> {
  const now = (input.now ?? new Date()).toISOString();
  // Rules apply from the epoch so events dated before the tenant existed still price.
  const config = defaultTenantConfig(input.tenantId, input.displayName, '1970-01-01T00:00:00.000Z');
  const { usage } = await putTenantIfAbsent(input.limits ? { ...config, limits: input.limits } : config, {
    plan: input.plan ?? 'standard',
    usageKeyValue: newUsageKeyValue(),
  });
  const { key, record, items } = issuePartnerKey({ tenantId: input.tenantId, scopes: input.scopes ?? ALL_PARTNER_SCOPES, now });
  await getDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
  return { tenantId: input.tenantId, partnerKey: key, keyId: record.keyId, usage };
}
