import type { PageWrite } from '../domain/lot-pages.ts';
import { nextExpiry } from '../domain/lots.ts';
import type { Account, AccountEvent, LedgerEntry, Lot, PageSummary, RedemptionHold, StoredOrder, Wallet } from '../domain/types.ts';
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

/**
 * The page summary as stored: one string, the first month and then `points:version` for it
 * and each month after it in turn, `-n` for a run of n months without a page
 * ("2026-12 295000:2 310000:1 -3 1200:1"). A map of maps costs about 31 bytes a month; this
 * about 10, which keeps an account naming three years of pages under 1 KB (2 write units).
 */
export function encodePageSummary(pages: Record<string, PageSummary>): string {
  const months = Object.keys(pages).sort();
  if (months.length === 0) return '';
  const tokens = [months[0]!];
  let previous: string | undefined;
  for (const month of months) {
    const gap = previous === undefined ? 0 : monthsBetween(previous, month) - 1;
    if (gap > 0) tokens.push(`-${gap}`);
    tokens.push(`${pages[month]!.points}:${pages[month]!.version}`);
    previous = month;
  }
  return tokens.join(' ');
}

export function decodePageSummary(encoded: string): Record<string, PageSummary> {
  const [first, ...tokens] = encoded.split(' ').filter((token) => token !== '');
  const pages: Record<string, PageSummary> = {};
  if (!first) return pages;
  let month = first;
  for (const token of tokens) {
    if (token.startsWith('-')) {
      month = addMonths(month, Number(token.slice(1)));
      continue;
    }
    const [points, version] = token.split(':');
    pages[month] = { points: Number(points), version: Number(version) };
    month = addMonths(month, 1);
  }
  return pages;
}

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthsBetween = (from: string, to: string) => monthIndex(to) - monthIndex(from);

function addMonths(month: string, n: number): string {
  const index = monthIndex(month) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The wallet as stored on the account item: with pages, its lots live in page items instead. */
function storedWallet(wallet: Wallet): Record<string, unknown> {
  const { loaded: _loaded, partition: _partition, ...rest } = wallet;
  if (!rest.pages) return rest;
  const { lots: _lots, pages, ...paged } = rest;
  // No pages is the marker `paged` rather than an empty value, which DynamoDB Local's stream
  // renders in a form the audit exporter cannot read.
  return Object.keys(pages).length > 0 ? { ...paged, pageSummary: encodePageSummary(pages) } : { ...paged, paged: true };
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
  const { paged, pageSummary, ...points } = account.wallets.points as Wallet & { paged?: true; pageSummary?: string };
  const partition = item.PK as string;
  // A summary stored as a map (before the compact string) reads as it is.
  const pages = pageSummary !== undefined ? decodePageSummary(pageSummary) : points.pages;
  const wallet: Wallet = pages || paged ? { ...points, pages: pages ?? {}, lots: [], loaded: [], partition } : { ...points, partition };
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

export function accountEventToItem(event: AccountEvent): Item {
  return {
    ...keys.accountEvent(event.tenantId, event.accountId, event.pointsSeq, event.at, event.eventId),
    entity: 'ACCOUNT_EVENT',
    ...event,
  };
}

export const itemToAccountEvent = (item: Item): AccountEvent => stripKeys<AccountEvent>(item);

export function orderToItem(order: StoredOrder): Item {
  return { ...keys.order(order.tenantId, order.sourceType, order.orderId), entity: 'ORDER', ...order };
}

export const itemToOrder = (item: Item): StoredOrder => stripKeys<StoredOrder>(item);

export function redemptionToItem(hold: RedemptionHold): Item {
  return { ...keys.redemption(hold.tenantId, hold.redemptionId), entity: 'REDEMPTION', ...hold };
}

export const itemToRedemption = (item: Item): RedemptionHold => stripKeys<RedemptionHold>(item);
