import type { PageWrite } from '../domain/lot-pages.ts';
import { nextExpiry } from '../domain/lots.ts';
import type { Account, LedgerEntry, Lot, OrderRecord, Wallet } from '../domain/types.ts';
import { POINT_TYPES } from '../domain/vocabulary.ts';
import { expiryIndexKeys, keys } from './keys.ts';

/** Item mappers: domain objects to table items and back. `entity` names each item's kind. */

type Item = Record<string, unknown>;

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'entity', 'ttl'];

function stripKeys<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

/** The wallet as stored on the account item: with pages, its lots live in page items instead. */
function storedWallet(wallet: Wallet): Record<string, unknown> {
  const { loaded: _loaded, partition: _partition, ...rest } = wallet;
  if (!rest.pages) return rest;
  const { lots: _lots, pages, ...paged } = rest;
  // An empty map is stored as the marker `paged` instead: DynamoDB Local's stream renders an
  // empty map as a value with no type, which the audit exporter cannot read.
  return Object.keys(pages).length > 0 ? { ...paged, pages } : { ...paged, paged: true };
}

export function accountToItem(account: Account): Item {
  return {
    ...keys.account(account.tenantId, account.accountId),
    entity: 'ACCOUNT',
    ...account,
    wallets: { ...account.wallets, points: storedWallet(account.wallets.points) },
  };
}

/** An account with none of its pages loaded yet (`loadPages` adds them). */
export function itemToAccount(item: Item): Account {
  const account = stripKeys<Account>(item);
  const { paged, ...points } = account.wallets.points as Wallet & { paged?: true };
  const partition = item.PK as string;
  const wallet: Wallet =
    points.pages || paged ? { ...points, pages: points.pages ?? {}, lots: [], loaded: [], partition } : { ...points, partition };
  return { ...account, wallets: { ...account.wallets, points: wallet } };
}

/**
 * A lot page. Lots are tuples [type index, expiry ms, award ms, remaining]: about 30 bytes
 * each instead of 97, so a full month (31 days x a few types) stays near 2 KB.
 */
export function pageToItem(tenantId: string, accountId: string, page: PageWrite): Item {
  const expiry = nextExpiry(page.lots);
  return {
    ...keys.lotPage(tenantId, accountId, 'points', page.month),
    entity: 'LOTS',
    accountId,
    version: page.version,
    lots: page.lots.map((lot) => [POINT_TYPES.indexOf(lot.type), Date.parse(lot.expiresAt), Date.parse(lot.awardedAt), lot.remaining]),
    ...(expiry ? expiryIndexKeys(tenantId, accountId, page.month, expiry) : {}),
  };
}

export interface StoredPage {
  accountId: string;
  month: string;
  version: number;
  lots: Lot[];
}

export function itemToPage(item: Item): StoredPage {
  const tuples = item.lots as [number, number, number, number][];
  return {
    accountId: item.accountId as string,
    month: (item.SK as string).slice(-7),
    version: item.version as number,
    lots: tuples.map(([type, expiresAt, awardedAt, remaining]) => ({
      type: POINT_TYPES[type]!,
      expiresAt: new Date(expiresAt).toISOString(),
      awardedAt: new Date(awardedAt).toISOString(),
      remaining,
    })),
  };
}

export function ledgerEntryToItem(entry: LedgerEntry): Item {
  return { ...keys.ledgerEntry(entry.tenantId, entry.accountId, entry.wallet, entry.seq), entity: 'LEDGER', ...entry };
}

export const itemToLedgerEntry = (item: Item): LedgerEntry => stripKeys<LedgerEntry>(item);

export function orderToItem(order: OrderRecord): Item {
  return { ...keys.order(order.tenantId, order.sourceType, order.orderId), entity: 'ORDER', ...order };
}

export const itemToOrder = (item: Item): OrderRecord => stripKeys<OrderRecord>(item);
