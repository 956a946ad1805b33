import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry, LedgerEntryType, WalletName } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { itemToLedgerEntry } from './items.ts';
import { accountPartition, ledgerSortKey } from './keys.ts';
import { type SeqWindow, seqWindow } from './ledger-seek.ts';

/**
 * Items one history request may read from the ledger, seek probes included. A filter that
 * matches rarely answers with what it found in this many items and a cursor to go on, so a
 * request costs the same at 1,000 or 1,000,000 entries.
 */
export const HISTORY_READ_BUDGET = 1_000;

export interface LedgerPageRequest {
  tenantId: string;
  accountId: string;
  wallet: WalletName;
  type?: LedgerEntryType;
  from?: string;
  to?: string;
  limit: number;
  /** Sequence number to continue below (exclusive), from the previous page's cursor. */
  beforeSeq?: number;
  /** Overrides HISTORY_READ_BUDGET (tests and the bench). */
  readBudget?: number;
}

export interface LedgerPage {
  entries: LedgerEntry[];
  /** Where the next page starts (exclusive), when the range is not exhausted. */
  nextBeforeSeq?: number;
  /** Ledger items this request read (probes and every item a Query evaluated). */
  itemsRead: number;
}

/**
 * Newest first, one partition, never a scan. `from` and `to` become a sequence window by
 * binary search (a wallet's sequence grows with createdAt), so they seek; `type` is a filter
 * over that window, read at most `readBudget` items deep. The createdAt filter stays on the
 * Query, so the answer is exact even if two hosts' clocks once disagreed around a bound.
 */
export async function queryLedgerPage(req: LedgerPageRequest): Promise<LedgerPage> {
  const budget = { left: req.readBudget ?? HISTORY_READ_BUDGET };
  const window = await seqWindow(req, budget);
  if (!window) return { entries: [], itemsRead: spent(req, budget) };
  if (budget.left <= 0) return { entries: [], nextBeforeSeq: window.high + 1, itemsRead: spent(req, budget) };
  const filtered = Boolean(req.type || req.from || req.to);
  const entries: LedgerEntry[] = [];
  let lastEvaluatedSeq: number | undefined;
  let startKey: Record<string, unknown> | undefined;
  // Grows per round: an unfiltered page reads limit + 1 items; a rare filter reaches the budget in a few Queries.
  let step = req.limit + 1;
  do {
    const out = await getDocumentClient().send(
      new QueryCommand({
        ...queryExpression(req, window),
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
        ScanIndexForward: false,
        Limit: Math.min(budget.left, filtered ? step : req.limit + 1 - entries.length),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    budget.left -= out.ScannedCount ?? 0;
    entries.push(...(out.Items ?? []).map(itemToLedgerEntry));
    startKey = out.LastEvaluatedKey;
    if (startKey) lastEvaluatedSeq = seqOfSortKey(startKey.SK as string);
    step *= 2;
  } while (startKey && entries.length <= req.limit && budget.left > 0);

  const itemsRead = spent(req, budget);
  if (entries.length > req.limit) {
    const page = entries.slice(0, req.limit);
    return { entries: page, nextBeforeSeq: page[page.length - 1]!.seq, itemsRead };
  }
  // The budget ran out (or DynamoDB's 1 MB page ended) before the window did: go on below the last item read.
  if (startKey && lastEvaluatedSeq !== undefined && lastEvaluatedSeq > window.low) {
    return { entries, nextBeforeSeq: lastEvaluatedSeq, itemsRead };
  }
  return { entries, itemsRead };
}

function queryExpression(r: LedgerPageRequest, window: SeqWindow): Partial<QueryCommandInput> {
  const filters: string[] = [];
  const values: Record<string, unknown> = {
    ':pk': accountPartition(r.tenantId, r.accountId),
    ':low': ledgerSortKey(r.wallet, window.low),
    ':high': ledgerSortKey(r.wallet, window.high),
  };
  const names: Record<string, string> = {};
  if (r.type) {
    filters.push('#type = :type');
    names['#type'] = 'type';
    values[':type'] = r.type;
  }
  if (r.from) {
    filters.push('createdAt >= :from');
    values[':from'] = r.from;
  }
  if (r.to) {
    filters.push('createdAt < :to');
    values[':to'] = r.to;
  }
  return {
    ExpressionAttributeValues: values,
    ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
  };
}

const spent = (req: LedgerPageRequest, budget: { left: number }) => (req.readBudget ?? HISTORY_READ_BUDGET) - budget.left;

function seqOfSortKey(sortKey: string): number {
  return Number(sortKey.slice(sortKey.lastIndexOf('#') + 1));
}

/** The highest sequence number the sort key can hold (12 digits). */
export const MAX_LEDGER_SEQ = 999_999_999_999;

/** A wallet's entries with sequence numbers in [fromSeq, toSeq], oldest first, strongly consistent. */
export async function readLedgerRange(req: {
  tenantId: string;
  accountId: string;
  wallet: WalletName;
  fromSeq: number;
  toSeq: number;
}): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
        ExpressionAttributeValues: {
          ':pk': accountPartition(req.tenantId, req.accountId),
          ':low': ledgerSortKey(req.wallet, req.fromSeq),
          ':high': ledgerSortKey(req.wallet, req.toSeq),
        },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    entries.push(...(out.Items ?? []).map(itemToLedgerEntry));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return entries;
}
