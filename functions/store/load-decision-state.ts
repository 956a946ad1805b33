import type { IdempotencyNamespace } from '../domain/idempotency.ts';
import type { Account, OrderRecord, RedemptionHold, RedemptionOrderRecord, StoredOrder } from '../domain/types.ts';
import { itemToIdempotency, type IdempotencyRecord } from './idempotency-record.ts';
import { pageMonth } from '../domain/lots.ts';
import { itemToAccount, itemToOrder, itemToPage, itemToRedemption } from './items.ts';
import { accountPartition, keys } from './keys.ts';
import { batchGet, earliestPages, pageKey, withAbsentMonths, withPages, type StoredPage } from './lot-pages.ts';
import { itemToTurnQueue, turnQueueKey, type TurnQueue } from './turn-queue.ts';

export interface DecisionState {
  /** The first account asked for (the only one of a one-account command). */
  account?: Account;
  /** Every account asked for, by account id; absent ones do not exist. */
  accounts: Record<string, Account | undefined>;
  /** The purchase order asked for (`order` with source type purchase), if it exists. */
  order?: OrderRecord;
  /** The redemption order asked for (`order` with source type redemption), if it exists. */
  redemptionOrder?: RedemptionOrderRecord;
  /** The two-phase redemption asked for (`redemptionId`), if it exists. */
  redemption?: RedemptionHold;
  idempotency?: IdempotencyRecord;
  /** Pages read that an account's summary does not name (months already over), by account id: what the expiry sweep writes off. */
  unlistedPages?: Record<string, StoredPage[]>;
  /** The first account's turn queue, when it has one (functions/store/turn-queue.ts). */
  turns?: TurnQueue;
}

/** One account, or two for a decision that moves points between them. */
export type AccountIds = readonly [string] | readonly [string, string];

export interface DecisionStateKeys {
  tenantId: string;
  accountIds: AccountIds;
  idempotency: { namespace: IdempotencyNamespace; key: string };
  order?: { sourceType: StoredOrder['sourceType']; orderId: string };
  /** A two-phase redemption to read with the account (its commit or release). */
  redemptionId?: string;
  /** The lot pages read with the accounts (default: the two earliest live ones). */
  pages?: PageReads;
}

/**
 * Which lot pages the first read fetches beside the accounts, so the common decision needs
 * no second round: the earliest live ones (where a debit starts spending, and the current
 * month, the one page partly expired) and named months (the page a credit tops up).
 */
export interface PageReads {
  earliest: number;
  months: readonly string[];
}

export const DEFAULT_PAGE_READS: PageReads = { earliest: 2, months: [] };

/**
 * The one strongly consistent read before a commit, in one round: a BatchGetItem of the
 * accounts (wallets, page summaries, locks), the idempotency record, the order and the named
 * lot pages and the first account's turn queue (a hot account's), and beside it a Query per
 * account for its earliest live pages. Pages a decision
 * asks for later (`morePages`) are read with the accounts again, so the account and its
 * pages come from one instant as far as a BatchGetItem allows (a page whose version the
 * account does not name is left out: see `withPages`).
 */
export async function loadDecisionState(k: DecisionStateKeys, morePages: Record<string, string[]> = {}): Promise<DecisionState> {
  const accountIds = [...new Set(k.accountIds)];
  const pageReads = k.pages ?? DEFAULT_PAGE_READS;
  const current = pageMonth(new Date().toISOString());
  const monthsOf = (accountId: string) => [...new Set([...pageReads.months, ...(morePages[accountId] ?? [])])];
  const wanted = [
    ...accountIds.map((accountId) => keys.account(k.tenantId, accountId)),
    ...accountIds.flatMap((accountId) => monthsOf(accountId).map((month) => pageKey(accountPartition(k.tenantId, accountId), month))),
    keys.idempotency(k.tenantId, k.idempotency.namespace, k.idempotency.key),
    turnQueueKey(k.tenantId, k.accountIds[0]),
    ...(k.order ? [keys.order(k.tenantId, k.order.sourceType, k.order.orderId)] : []),
    ...(k.redemptionId ? [keys.redemption(k.tenantId, k.redemptionId)] : []),
  ];
  const [found, earliestFound] = await Promise.all([
    batchGet(wanted),
    pageReads.earliest > 0
      ? Promise.all(accountIds.map((accountId) => earliestPages(accountPartition(k.tenantId, accountId), current, pageReads.earliest)))
      : [],
  ]);
  const accounts: Record<string, Account | undefined> = Object.fromEntries(accountIds.map((id) => [id, undefined]));
  const state: DecisionState = { accounts };
  const pages: StoredPage[] = earliestFound.flat();
  for (const item of found) {
    if (item.entity === 'LOTS') pages.push(itemToPage(item));
    else if (item.entity === 'ACCOUNT') {
      const account = itemToAccount(item);
      accounts[account.accountId] = account;
    } else if (item.entity === 'ORDER') {
      const order = itemToOrder(item);
      if (order.sourceType === 'redemption') state.redemptionOrder = order;
      else state.order = order;
    } else if (item.entity === 'REDEMPTION') state.redemption = itemToRedemption(item);
    else if (item.entity === 'IDEMPOTENCY') state.idempotency = itemToIdempotency(item);
    else if (item.entity === 'TURNS') state.turns = itemToTurnQueue(item);
  }
  for (const [id, account] of Object.entries(accounts)) {
    if (!account) continue;
    accounts[id] = withAbsentMonths(withPages(account, pages), monthsOf(id));
    const summary = account.wallets.points.pages;
    const unlisted = summary ? pages.filter((page) => page.accountId === id && summary[page.month] === undefined) : [];
    if (unlisted.length > 0) state.unlistedPages = { ...state.unlistedPages, [id]: unlisted };
  }
  const first = accounts[k.accountIds[0]];
  if (first) state.account = first;
  return state;
}
