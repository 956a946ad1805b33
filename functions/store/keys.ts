import type { IdempotencyNamespace } from '../domain/idempotency.ts';
import type { WalletName } from '../domain/types.ts';

/**
 * Key design of the single table. Every tenant-owned item's partition key starts with the
 * tenant id, so no request built from one tenant's principal can address another's items.
 */
export const keys = {
  tenant: (tenantId: string) => ({ PK: `T#${tenantId}`, SK: 'TENANT' }),
  apiKey: (keyHash: string) => ({ PK: `APIKEY#${keyHash}`, SK: 'APIKEY' }),
  apiKeyIndex: (tenantId: string, keyId: string) => ({ PK: `T#${tenantId}#KEYS`, SK: `KEY#${keyId}` }),
  account: (tenantId: string, accountId: string) => ({ PK: accountPartition(tenantId, accountId), SK: 'ACCOUNT' }),
  ledgerEntry: (tenantId: string, accountId: string, wallet: WalletName, seq: number) => ({
    PK: accountPartition(tenantId, accountId),
    SK: ledgerSortKey(wallet, seq),
  }),
  order: (tenantId: string, sourceType: string, orderId: string) => ({
    PK: `T#${tenantId}#ORDER#${sourceType}#${orderId}`,
    SK: 'ORDER',
  }),
  idempotency: (tenantId: string, namespace: IdempotencyNamespace, idempotencyKey: string) => ({
    PK: `T#${tenantId}#${IDEMPOTENCY_PREFIX[namespace]}#${idempotencyKey}`,
    SK: 'IDEM',
  }),
};

/**
 * One key space per caller kind and tenant. Partner keys keep the original prefix, so records
 * written before the split still replay. The prefixes differ before the first `#` after the
 * tenant id (which has none), so no key in one space can spell a key in another.
 */
const IDEMPOTENCY_PREFIX: Record<IdempotencyNamespace, string> = { partner: 'IDEM', operator: 'IDEM~OP', system: 'IDEM~SYS' };

export function accountPartition(tenantId: string, accountId: string): string {
  return `T#${tenantId}#A#${accountId}`;
}

/** Zero-padded so the sort key orders entries by sequence. */
export function ledgerSortKey(wallet: WalletName, seq: number): string {
  return `L#${wallet}#${String(seq).padStart(12, '0')}`;
}

export const ledgerPrefix = (wallet: WalletName) => `L#${wallet}#`;

/** Sparse expiry index: the UTC day of an account's earliest lot expiry. */
export const expiryIndexKeys = (tenantId: string, accountId: string, nextExpiresAt: string) => ({
  GSI1PK: `EXPIRY#${nextExpiresAt.slice(0, 10)}`,
  GSI1SK: `${nextExpiresAt}#${tenantId}#${accountId}`,
});
