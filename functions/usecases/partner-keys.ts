import { PARTNER_SCOPES, type PartnerScope } from '../domain/vocabulary.ts';
import { newApiKeyItems, type ApiKeyRecord } from '../store/api-keys.ts';
import type { TransactItem } from '../store/transact.ts';
import { mintPartnerKey, partnerKeyHash } from '../security/partner-keys.ts';

export const ALL_PARTNER_SCOPES: PartnerScope[] = [...PARTNER_SCOPES];

/** A fresh key and the items that store it (hashed); the key itself leaves only in the answer. */
export function issuePartnerKey(input: {
  tenantId: string;
  scopes: PartnerScope[];
  now: string;
  label?: string;
  expiresAt?: string;
}): { key: string; record: ApiKeyRecord; items: TransactItem[] } {
  const { key, keyId } = mintPartnerKey();
  const record: ApiKeyRecord = {
    keyHash: partnerKeyHash(key),
    keyId,
    tenantId: input.tenantId,
    scopes: input.scopes,
    status: 'active',
    createdAt: input.now,
    ...(input.label ? { label: input.label } : {}),
    ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
  };
  return { key, record, items: newApiKeyItems(record) };
}

/** What operators see of a key: never its hash. */
export function partnerKeyView(record: ApiKeyRecord) {
  const { keyHash: _hash, ...visible } = record;
  return visible;
}
