import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { compareSpendOrder, pageMonth } from '../../functions/domain/lots.ts';
import type { Lot, PageSummary } from '../../functions/domain/types.ts';
import { getAccount } from '../../functions/store/accounts.ts';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { accountToItem, pageToItem } from '../../functions/store/items.ts';
import { versionedPut } from '../../functions/store/transact.ts';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

const DAY_MS = 86_400_000;
const endOfUtcDay = (ms: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS - 1).toISOString();

/**
 * `count` lots of `points` each, two a day (purchase and promotion): the first `expired` of
 * them expired on the days before `now`, the rest live from the day after `now` on. Award
 * times increase with the lot so FIFO order is known.
 */
export function lotsFor(count: number, expired: number, now: string, points = 10): Lot[] {
  const today = Date.parse(now);
  const lots: Lot[] = [];
  const types = ['purchase', 'promotion'] as const;
  for (let i = 0; i < count; i += 1) {
    const isExpired = i < expired;
    const k = isExpired ? i : i - expired;
    const dayOffset = isExpired ? -(Math.floor(k / 2) + 1) : Math.floor(k / 2) + 1;
    lots.push({
      type: types[k % 2]!,
      expiresAt: endOfUtcDay(today + dayOffset * DAY_MS),
      awardedAt: new Date(today - 400 * DAY_MS + i * 1000).toISOString(),
      remaining: points,
    });
  }
  return lots;
}

/**
 * Puts lots straight into an existing account's pages (fast: no requests), as the service
 * would have stored them: one page per expiry month, the account's summary naming the pages
 * of months not yet over and `pastPoints` the rest, its balance raised by their sum. There
 * are no ledger entries for them: a test seeding this way checks balances, not the chain.
 */
export async function seedLots(tenantId: string, accountId: string, lots: Lot[], now: string): Promise<void> {
  const account = await getAccount(tenantId, accountId);
  if (!account) throw new Error(`seedLots: no account ${accountId}`);
  const byMonth = new Map<string, Lot[]>();
  for (const lot of lots) byMonth.set(pageMonth(lot.expiresAt), [...(byMonth.get(pageMonth(lot.expiresAt)) ?? []), lot]);
  const pages: Record<string, PageSummary> = {};
  let pastPoints = 0;
  const items = [...byMonth].map(([month, monthLots]) => {
    const points = monthLots.reduce((sum, lot) => sum + lot.remaining, 0);
    if (month < pageMonth(now)) pastPoints += points;
    else pages[month] = { points, version: 1 };
    return pageToItem(tenantId, accountId, { month, lots: monthLots.sort(compareSpendOrder), expectedVersion: null, version: 1 });
  });
  for (let i = 0; i < items.length; i += 25) {
    const chunk = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await getDocumentClient().send(new BatchWriteCommand({ RequestItems: { [tableName()]: chunk } }));
  }
  const wallet = account.wallets.points;
  const total = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  const next = {
    ...account,
    version: account.version + 1,
    wallets: { ...account.wallets, points: { ...wallet, lots: [], pages, pastPoints, balance: wallet.balance + total } },
  };
  await getDocumentClient().send(new TransactWriteCommand({ TransactItems: [versionedPut(accountToItem(next), account.version)] }));
}
