import { getApiKeyByHash, listAllApiKeys } from '../functions/store/api-keys.ts';
import { partnerKeyHash } from '../functions/security/partner-keys.ts';
import { ALL_PARTNER_SCOPES, commitPartnerKeyChange, createPartnerKey, revokePartnerKey } from '../functions/usecases/partner-keys.ts';

/** What an earlier run wrote to the private credentials file (the only copy of the key). */
export interface KeptDemoKey {
  partnerKey?: unknown;
}

/** Marks the keys this module minted, so that it never revokes a key an operator made. */
export const DEMO_KEY_LABEL = 'demo (npm start)';

/**
 * The demo tenant's one partner key across restarts. The key itself lives only in the private
 * credentials file, so it is reused when the table still holds it live; otherwise a new one is
 * minted through the partner key use case, and any other live demo key (one whose file an
 * in-memory run overwrote, say) is revoked, so that one demo key stays active. Must be
 * imported after HASH_KEY is set (the keyed hash reads it on import).
 */
export async function keepDemoKey(
  tenantId: string,
  kept: KeptDemoKey | undefined,
): Promise<{ partnerKey: string; keyId: string; reused: boolean }> {
  const now = new Date().toISOString();
  if (typeof kept?.partnerKey === 'string') {
    const record = await getApiKeyByHash(partnerKeyHash(kept.partnerKey));
    const live = record?.tenantId === tenantId && record.status === 'active' && (record.expiresAt === undefined || record.expiresAt > now);
    if (live) {
      await revokeOtherDemoKeys(tenantId, record.keyId, now);
      return { partnerKey: kept.partnerKey, keyId: record.keyId, reused: true };
    }
  }
  const minted = await commitPartnerKeyChange(createPartnerKey({ tenantId, scopes: ALL_PARTNER_SCOPES, now, label: DEMO_KEY_LABEL }));
  await revokeOtherDemoKeys(tenantId, minted.record.keyId, now);
  return { partnerKey: minted.key, keyId: minted.record.keyId, reused: false };
}

async function revokeOtherDemoKeys(tenantId: string, keep: string, now: string): Promise<void> {
  for (const key of await listAllApiKeys(tenantId)) {
    if (key.label !== DEMO_KEY_LABEL || key.keyId === keep || key.status !== 'active') continue;
    if (key.expiresAt !== undefined && key.expiresAt <= now) continue;
    await commitPartnerKeyChange(await revokePartnerKey({ tenantId, keyId: key.keyId, reason: 'rotated', now }));
  }
}
