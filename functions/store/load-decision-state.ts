import type { IdempotencyNamespace } from '../domain/idempotency.ts';
import type { Account, OrderRecord } from '../domain/types.ts';
import { itemToIdempotency, type IdempotencyRecord } from './idempotency-record.ts';
import { pageMonth } from '../domain/lots.ts';
import { itemToAccount, itemToOrder, itemToPage } from './items.ts';
import { accountPartition, keys } from './keys.ts';
import { batchGet, pageKey, withAbsentMonths, withPages, type StoredPage } from './lot-pages.ts';
import { itemToTurnQueue, turnQueueKey, type TurnQueue } from './turn-queue.ts';

export interface DecisionState {
  /** The first account asked for (the only one of a one-account command). */
  account?: Account;
  /** Every account asked for, by account id; absent ones do not exist. */
  accounts: Record<string, Account | undefined>;
  order?: OrderRecord;
  idempotency?: IdempotencyRecord;
  /** The first account's turn queue, when it has one (functions/store/turn-queue.ts). */
  turns?: TurnQueue;
}

/** One account, or two for a decision that moves points between them. */
export type AccountIds = readonly [string] | readonly [string, string];

export interface DecisionStateKeys {
  tenantId: string;
  accountIds: AccountIds;
  idempotency: { namespace: IdempotencyNamespace; key: string };
  order?: { sourceType: 'purchase'; orderId: string };
}

/**
 * The one strongly consistent read before a commit: the accounts (wallets, lots, locks), the
 * idempotency record, when the request names one, the order, and each account's lot page of
 * the current month (the one page partly expired, so availability is exact from the account
 * item and it) and of the next (where most redemptions start: one read round fewer, at the
 * price of one more key) and the first account's turn queue (a hot account's) — in one BatchGetItem. Later pages are read only when a decision
 * asks (`morePages`): the second round reads them with the accounts again, so the account
 * and its pages come from one instant as far as a BatchGetItem allows.
 */
export async function loadDecisionState(k: DecisionStateKeys, morePages: Record<string, string[]> = {}): Promise<DecisionState> {
  const accountIds = [...new Set(k.accountIds)];
  const months = firstMonths(new Date());
  const monthsOf = (accountId: string) => [...new Set([...months, ...(morePages[accountId] ?? [])])];
  const wanted = [
    ...accountIds.map((accountId) => keys.account(k.tenantId, accountId)),
    ...accountIds.flatMap((accountId) => monthsOf(accountId).map((month) => pageKey(accountPartition(k.tenantId, accountId), month))),
    keys.idempotency(k.tenantId, k.idempotency.namespace, k.idempotency.key),
    turnQueueKey(k.tenantId, k.accountIds[0]),
    ...(k.order ? [keys.order(k.tenantId, k.order.sourceType, k.order.orderId)] : []),
  ];
  const found = await batchGet(wanted);
  const accounts: Record<string, Account | undefined> = Object.fromEntries(accountIds.map((id) => [id, undefined]));
  const state: DecisionState = { accounts };
  const pages: StoredPage[] = [];
  for (const item of found) {
    if (item.entity === 'LOTS') pages.push(itemToPage(item));
    else if (item.entity === 'ACCOUNT') {
      const account = itemToAccount(item);
      accounts[account.accountId] = account;
    } else if (item.entity === 'ORDER') state.order = itemToOrder(item);
    else if (item.entity === 'IDEMPOTENCY') state.idempotency = itemToIdempotency(item);
    else if (item.entity === 'TURNS') state.turns = itemToTurnQueue(item);
  }
  for (const [id, account] of Object.entries(accounts)) {
    if (account) accounts[id] = withAbsentMonths(withPages(account, pages), monthsOf(id));
  }
  const first = accounts[k.accountIds[0]];
  if (first) state.account = first;
  return state;
}

/** The current UTC month and the next, as page months (`YYYY-MM`). */
function firstMonths(now: Date): string[] {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return [pageMonth(now.toISOString()), pageMonth(next.toISOString())];
}
