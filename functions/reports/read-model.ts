import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry, PointType } from '../domain/types.ts';
import { getDocumentClient, tableName } from '../store/client.ts';
import type { TransactItem } from '../store/transact.ts';

/**
 * The reports read model (issue 13, SPEC section 10): per tenant, UTC-day flows (issued,
 * redeemed, expired, adjusted, reversed points) and outstanding lot points by expiry month and
 * point type. Maintained from the table's stream by functions/streams/reports.ts, one ledger
 * entry at a time, never by scanning on a request. Items:
 *
 * - marker `T#<tenant>#RPTM#<accountId>` / `<seq, 12 digits>`: the entry was applied (its write
 *   is conditional on absence, in the same transaction as the counters, so a redelivered record
 *   counts once). Kept for good: it is the read model's idempotency.
 * - day `T#<tenant>#RPTD#<shard>` / `<YYYY-MM-DD>`: the five flows as top-level numbers (ADD).
 * - liability `T#<tenant>#RPTL#<shard>` / `<YYYY-MM>#<type>`: `points` outstanding in lots
 *   expiring that month, of that type (ADD).
 *
 * Day and liability items are sharded by a stable hash of the account id (REPORT_SHARDS), so
 * a busy tenant has no single hot item; a report reads each shard with one Query and sums.
 */

export const REPORT_SHARDS = 8;

export const FLOWS = ['issued', 'redeemed', 'expired', 'adjusted', 'reversed'] as const;
export type Flow = (typeof FLOWS)[number];
export type DayFlows = Record<Flow, number>;

export const reportKeys = {
  marker: (tenantId: string, accountId: string, seq: number) => ({
    PK: `T#${tenantId}#RPTM#${accountId}`,
    SK: String(seq).padStart(12, '0'),
  }),
  dayPartition: (tenantId: string, shard: number) => `T#${tenantId}#RPTD#${shard}`,
  day: (tenantId: string, shard: number, day: string) => ({ PK: reportKeys.dayPartition(tenantId, shard), SK: day }),
  liabilityPartition: (tenantId: string, shard: number) => `T#${tenantId}#RPTL#${shard}`,
  liability: (tenantId: string, shard: number, month: string, type: PointType) => ({
    PK: reportKeys.liabilityPartition(tenantId, shard),
    SK: `${month}#${type}`,
  }),
};

/** A stable shard in 0..REPORT_SHARDS-1 (FNV-1a of the account id, as expiryShard). */
export function reportShard(accountId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i += 1) {
    hash ^= accountId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % REPORT_SHARDS;
}

/** What one ledger entry adds to the read model. */
export interface EntryContribution {
  day: string;
  flows: DayFlows;
  /** Signed points by `YYYY-MM#type` (lots created are positive, lots consumed negative); no zeros. */
  liability: Map<string, number>;
}

export const zeroFlows = (): DayFlows => ({ issued: 0, redeemed: 0, expired: 0, adjusted: 0, reversed: 0 });

/** Only points-wallet entries count (the allocation wallet is not member liability). */
export const countsInReports = (entry: Pick<LedgerEntry, 'wallet'>) => entry.wallet === 'points';

/**
 * A ledger entry's effect. Flows: EARN its amount as issued, REDEEM, EXPIRE and REVERSAL their
 * debit as positive redeemed, expired and reversed points, ADJUSTMENT its signed amount. The
 * liability moves by the entry's lot movements (credit entries create lot points, debits
 * consume them), so it is exactly the outstanding lot points (debt is not liability).
 */
export function contributionOf(entry: LedgerEntry): EntryContribution {
  const flows = zeroFlows();
  if (entry.type === 'EARN') flows.issued = entry.amount;
  else if (entry.type === 'REDEEM') flows.redeemed = -entry.amount;
  else if (entry.type === 'EXPIRE') flows.expired = -entry.amount;
  else if (entry.type === 'ADJUSTMENT') flows.adjusted = entry.amount;
  else if (entry.type === 'REVERSAL') flows.reversed = -entry.amount;
  const sign = entry.amount >= 0 ? 1 : -1;
  const liability = new Map<string, number>();
  for (const lot of entry.lots ?? []) {
    const key = `${lot.expiresAt.slice(0, 7)}#${lot.type}`;
    liability.set(key, (liability.get(key) ?? 0) + sign * lot.points);
  }
  for (const [key, points] of liability) if (points === 0) liability.delete(key);
  return { day: entry.createdAt.slice(0, 10), flows, liability };
}

/** The transaction that applies one entry: marker (conditional), day counters, liability counters. */
export function applyEntryItems(entry: LedgerEntry): TransactItem[] {
  const table = tableName();
  const shard = reportShard(entry.accountId);
  const { day, flows, liability } = contributionOf(entry);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table,
        Item: {
          ...reportKeys.marker(entry.tenantId, entry.accountId, entry.seq),
          entity: 'RPT_MARK',
          tenantId: entry.tenantId,
          day,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Update: {
        TableName: table,
        Key: reportKeys.day(entry.tenantId, shard, day),
        UpdateExpression: `SET entity = :entity, tenantId = :tenantId ADD ${FLOWS.map((flow) => `${flow} :${flow}`).join(', ')}`,
        ExpressionAttributeValues: {
          ':entity': 'RPT_DAY',
          ':tenantId': entry.tenantId,
          ...Object.fromEntries(FLOWS.map((f) => [`:${f}`, flows[f]])),
        },
      },
    },
  ];
  for (const [key, points] of liability) {
    const [month, type] = key.split('#') as [string, PointType];
    items.push({
      Update: {
        TableName: table,
        Key: reportKeys.liability(entry.tenantId, shard, month, type),
        UpdateExpression: 'SET entity = :entity, tenantId = :tenantId ADD points :points',
        ExpressionAttributeValues: { ':entity': 'RPT_LIABILITY', ':tenantId': entry.tenantId, ':points': points },
      },
    });
  }
  if (items.length > 100)
    throw new Error(`ledger entry ${entry.accountId}:${entry.seq} touches ${items.length} report items (more than one transaction takes)`);
  return items;
}

/** Applies one entry once: 'applied', or 'duplicate' when its marker already exists. */
export async function applyEntry(entry: LedgerEntry): Promise<'applied' | 'duplicate' | 'ignored'> {
  if (!countsInReports(entry)) return 'ignored';
  try {
    await getDocumentClient().send(new TransactWriteCommand({ TransactItems: applyEntryItems(entry) }));
    return 'applied';
  } catch (error) {
    if (error instanceof TransactionCanceledException || (error as Error).name === 'TransactionCanceledException') {
      const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
    }
    throw error;
  }
}

async function queryAll(partition: string, range?: { from: string; to: string }): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: range ? 'PK = :pk AND SK BETWEEN :from AND :to' : 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partition, ...(range ? { ':from': range.from, ':to': range.to } : {}) },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const shards = () => Array.from({ length: REPORT_SHARDS }, (_, shard) => shard);

/** Day flows between two UTC days (inclusive), summed over the shards: REPORT_SHARDS queries. */
export async function readDailyFlows(tenantId: string, from: string, to: string): Promise<Map<string, DayFlows>> {
  const pages = await Promise.all(shards().map((shard) => queryAll(reportKeys.dayPartition(tenantId, shard), { from, to })));
  const days = new Map<string, DayFlows>();
  for (const item of pages.flat()) {
    const day = item.SK as string;
    const flows = days.get(day) ?? zeroFlows();
    for (const flow of FLOWS) flows[flow] += Number(item[flow] ?? 0);
    days.set(day, flows);
  }
  return days;
}

/** Outstanding lot points by `YYYY-MM#type`, summed over the shards: REPORT_SHARDS queries. */
export async function readLiability(tenantId: string): Promise<Map<string, number>> {
  const pages = await Promise.all(shards().map((shard) => queryAll(reportKeys.liabilityPartition(tenantId, shard))));
  const liability = new Map<string, number>();
  for (const item of pages.flat()) {
    const key = item.SK as string;
    liability.set(key, (liability.get(key) ?? 0) + Number(item.points ?? 0));
  }
  for (const [key, points] of liability) if (points === 0) liability.delete(key);
  return liability;
}

/** The read model a set of ledger entries implies (what the reconciliation compares against). */
export function foldEntries(entries: Iterable<LedgerEntry>): { days: Map<string, DayFlows>; liability: Map<string, number> } {
  const days = new Map<string, DayFlows>();
  const liability = new Map<string, number>();
  for (const entry of entries) {
    if (!countsInReports(entry)) continue;
    const contribution = contributionOf(entry);
    const flows = days.get(contribution.day) ?? zeroFlows();
    for (const flow of FLOWS) flows[flow] += contribution.flows[flow];
    days.set(contribution.day, flows);
    for (const [key, points] of contribution.liability) liability.set(key, (liability.get(key) ?? 0) + points);
  }
  for (const [key, points] of liability) if (points === 0) liability.delete(key);
  return { days, liability };
}
