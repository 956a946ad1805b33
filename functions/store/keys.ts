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
  lotPage: (tenantId: string, accountId: string, wallet: WalletName, month: string) => ({
    PK: accountPartition(tenantId, accountId),
    SK: lotPageSortKey(wallet, month),
  }),
  /**
   * An operator action on an account (a lock applied or lifted), placed after the points
   * entry it followed (`pointsSeq`), so a ledger page's events are one range of the same seqs.
   */
  accountEvent: (tenantId: string, accountId: string, pointsSeq: number, at: string, eventId: string) => ({
    PK: accountPartition(tenantId, accountId),
    SK: `${accountEventSeqKey(pointsSeq)}#${at}#${eventId}`,
  }),
  order: (tenantId: string, sourceType: string, orderId: string) => ({
    PK: `T#${tenantId}#ORDER#${sourceType}#${orderId}`,
    SK: 'ORDER',
  }),
  /** A two-phase redemption (hold) by its id: read alone by the commit, release and GET routes. */
  redemption: (tenantId: string, redemptionId: string) => ({ PK: `T#${tenantId}#REDEMPTION#${redemptionId}`, SK: 'REDEMPTION' }),
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

/** One lot page of a wallet: the lots expiring in one UTC month (`YYYY-MM`). */
export const lotPageSortKey = (wallet: WalletName, month: string) => `${LOT_PAGE_PREFIX}${wallet}#${month}`;
export const LOT_PAGE_PREFIX = 'LOTS#';
export const ACCOUNT_EVENT_PREFIX = 'EV#';
export const accountEventSeqKey = (pointsSeq: number) => `${ACCOUNT_EVENT_PREFIX}${String(pointsSeq).padStart(12, '0')}`;

/** Shards per tenant and day: a mass promotion expiring on one day spreads over this many partitions. */
export const EXPIRY_SHARDS = 16;

/**
 * Sparse expiry index, on each lot page: the UTC day of the page's earliest lot expiry. The
 * partition names the tenant and a shard derived from the account, so no tenant and no mass
 * expiry day is one hot partition; a sweep reads a tenant's day as EXPIRY_SHARDS queries.
 */
export const expiryIndexKeys = (tenantId: string, accountId: string, month: string, nextExpiresAt: string) => ({
  GSI1PK: `EXPIRY#${tenantId}#${nextExpiresAt.slice(0, 10)}#${expiryShard(accountId)}`,
  GSI1SK: `${nextExpiresAt}#${accountId}#${month}`,
});

/** A stable shard in 0..EXPIRY_SHARDS-1 (FNV-1a of the account id). */
export function expiryShard(accountId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i += 1) {
    hash ^= accountId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % EXPIRY_SHARDS;
}
