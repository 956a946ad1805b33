import { defaultTenantConfig } from '../domain/tenant-config.ts';
import type { PartnerScope } from '../api/route-types.ts';
import { putApiKey } from '../store/api-keys.ts';
import { putTenantIfAbsent } from '../store/tenants.ts';
import { mintPartnerKey, partnerKeyHash } from '../security/partner-keys.ts';

export const ALL_PARTNER_SCOPES: PartnerScope[] = ['accounts', 'earn', 'redeem', 'read', 'transfer', 'award', 'merge'];

/**
 * Creates the tenant with default rules if it does not exist, and mints a new partner key
 * for it. The key is returned once and stored only as its keyed hash.
 */
export async function provisionTenant(input: {
  tenantId: string;
  displayName: string;
  scopes?: PartnerScope[];
  now?: Date;
}): Promise<{ tenantId: string; partnerKey: string; keyId: string }> {
  const now = (input.now ?? new Date()).toISOString();
  // Rules apply from the epoch so events dated before the tenant existed still price.
  await putTenantIfAbsent(defaultTenantConfig(input.tenantId, input.displayName, '1970-01-01T00:00:00.000Z'));
  const { key, keyId } = mintPartnerKey();
  await putApiKey({
    keyHash: partnerKeyHash(key),
    keyId,
    tenantId: input.tenantId,
    scopes: input.scopes ?? ALL_PARTNER_SCOPES,
    status: 'active',
    createdAt: now,
  });
  return { tenantId: input.tenantId, partnerKey: key, keyId };
}
