import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { pageMonth } from '../domain/lots.ts';
import type { Account } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { itemToPage, type StoredPage } from './items.ts';
import { LOT_PAGE_PREFIX, accountPartition, lotPageSortKey } from './keys.ts';

export type { StoredPage } from './items.ts';

/** The key of a points-wallet lot page in an account's partition. */
export const pageKey = (partition: string, month: string) => ({ PK: partition, SK: lotPageSortKey('points', month) });

/**
 * The account with these pages' lots loaded. A page whose version is not the one the account
 * item names was read torn (BatchGetItem is not transactional): it is left out, so a decision
 * that needs it asks again and never decides on a mix of two states.
 */
export function withPages(account: Account, pages: StoredPage[]): Account {
  const wallet = account.wallets.points;
  if (!wallet.pages) return account;
  const loaded = new Set(wallet.loaded ?? []);
  const lots = [...wallet.lots];
  for (const page of pages) {
    if (page.accountId !== account.accountId || loaded.has(page.month)) continue;
    if (wallet.pages[page.month]?.version !== page.version) continue;
    loaded.add(page.month);
    lots.push(...page.lots);
  }
  return { ...account, wallets: { ...account.wallets, points: { ...wallet, lots, loaded: [...loaded] } } };
}

/**
 * Marks months the summary does not name as loaded (empty): a page absent from the summary
 * holds no live lots, so there is nothing to read.
 */
export function withAbsentMonths(account: Account, months: string[]): Account {
  const wallet = account.wallets.points;
  if (!wallet.pages) return account;
  const absent = months.filter((month) => !wallet.pages?.[month] && !(wallet.loaded ?? []).includes(month));
  if (absent.length === 0) return account;
  return { ...account, wallets: { ...account.wallets, points: { ...wallet, loaded: [...(wallet.loaded ?? []), ...absent] } } };
}

/**
 * Strongly consistent BatchGetItem of any number of keys: 100 a call, the calls in parallel
 * (one read round). Unprocessed keys only appear under throttling; they are asked again.
 */
export async function batchGet(keysToRead: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const table = tableName();
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keysToRead.length; i += 100) chunks.push(keysToRead.slice(i, i + 100));
  const results = await Promise.all(
    chunks.map(async (chunk) => {
      const found: Record<string, unknown>[] = [];
      let pending = chunk;
      for (let round = 0; pending.length > 0; round += 1) {
        if (round > 5) throw new Error('BatchGetItem kept returning unprocessed keys');
        const out = await getDocumentClient().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(out.Responses?.[table] ?? []));
        pending = (out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
      return found;
    }),
  );
  return results.flat();
}

/**
 * Every page of an account from `fromMonth` on (all of them when absent), by one Query. The
 * live ones are bounded by the longest expiry (about 121 months of at most ~31 days x types).
 */
export async function queryPages(tenantId: string, accountId: string, fromMonth?: string): Promise<StoredPage[]> {
  const pages: StoredPage[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        ConsistentRead: true,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': accountPartition(tenantId, accountId),
          ':from': fromMonth ? lotPageSortKey('points', fromMonth) : `${LOT_PAGE_PREFIX}points#`,
          ':to': `${LOT_PAGE_PREFIX}points#~`,
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    pages.push(...(out.Items ?? []).map(itemToPage));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return pages;
}

/**
 * The first `count` pages of an account from `fromMonth` on: the earliest live lots, where
 * every debit starts spending, found without knowing the months (one Query, one page of
 * results; strongly consistent like the BatchGetItem beside it).
 */
export async function earliestPages(partition: string, fromMonth: string, count: number): Promise<StoredPage[]> {
  const out = await getDocumentClient().send(
    new QueryCommand({
      TableName: tableName(),
      ConsistentRead: true,
      Limit: count,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': partition,
        ':from': lotPageSortKey('points', fromMonth),
        ':to': `${LOT_PAGE_PREFIX}points#~`,
      },
    }),
  );
  return (out.Items ?? []).map(itemToPage);
}

/** The account with every live page loaded (what the balance view needs); undefined when it does not exist. */
export async function readAccountWithLivePages(read: () => Promise<Account | undefined>, now: string): Promise<Account | undefined> {
  // The account and its pages are two reads: a write landing between them shows as a page
  // version the account does not name. Reading again settles it; a hot account may take a few.
  for (let attempt = 1; ; attempt += 1) {
    const account = await read();
    if (!account?.wallets.points.pages) return account;
    const loaded = withPages(account, await queryPages(account.tenantId, account.accountId, pageMonth(now)));
    const wallet = loaded.wallets.points;
    const missing = Object.keys(wallet.pages ?? {}).filter((month) => month >= pageMonth(now) && !wallet.loaded?.includes(month));
    if (missing.length === 0 || attempt === 5) return loaded;
  }
}
