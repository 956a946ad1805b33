import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { verifyChain } from '../../functions/domain/hash-chain.ts';
import { heldPoints, liveHolds, lotKey } from '../../functions/domain/holds.ts';
import { redemptionStatus } from '../../functions/domain/redemptions.ts';
import { isExpired } from '../../functions/domain/time.ts';
import type { Account, LedgerEntry, OrderRecord, RedemptionHold, RedemptionOrderRecord } from '../../functions/domain/types.ts';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { itemToIdempotency, type IdempotencyRecord } from '../../functions/store/idempotency-record.ts';
import {
  itemToAccount,
  itemToLedgerEntry,
  itemToOrder,
  itemToPage,
  itemToRedemption,
  type StoredPage,
} from '../../functions/store/items.ts';
import { pageSummaryViolations } from './ledger-audit.ts';

export interface TenantSnapshot {
  accounts: Account[];
  /** Each account's points-wallet entries, in sequence order. */
  entries: Map<string, LedgerEntry[]>;
  /** Purchase orders (what earned, what was reversed). */
  orders: OrderRecord[];
  /** Redemption orders: one per (tenant, order id). */
  redemptions: RedemptionOrderRecord[];
  /** Two-phase redemptions (holds), whatever their status. */
  holds: RedemptionHold[];
  idempotency: IdempotencyRecord[];
  /** Each account's points-wallet lot pages. */
  pages: Map<string, StoredPage[]>;
}

export interface TenantAudit extends TenantSnapshot {
  /** Every broken invariant, one line each; empty when the tenant's books are sound. */
  violations: string[];
}

/** Every item whose key starts with the tenant's prefix, by a consistent Scan (test tables are small; no request path ever scans). */
export async function scanTenantItems(tenantId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new ScanCommand({
        TableName: tableName(),
        ConsistentRead: true,
        FilterExpression: 'begins_with(PK, :prefix)',
        ExpressionAttributeValues: { ':prefix': `T#${tenantId}#` },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Everything one tenant owns. Reading the whole table rather than the accounts a test knows
 * about is the point: an entry or record nobody expected is exactly what an auditor is for.
 */
export async function snapshotTenant(tenantId: string): Promise<TenantSnapshot> {
  const items = await scanTenantItems(tenantId);
  const snapshot: TenantSnapshot = {
    accounts: [],
    entries: new Map(),
    orders: [],
    redemptions: [],
    holds: [],
    idempotency: [],
    pages: new Map(),
  };
  for (const item of items) {
    if (item.entity === 'LOTS') {
      const page = itemToPage(item);
      snapshot.pages.set(page.accountId, [...(snapshot.pages.get(page.accountId) ?? []), page]);
    } else if (item.entity === 'ACCOUNT') snapshot.accounts.push(itemToAccount(item));
    else if (item.entity === 'ORDER') {
      const order = itemToOrder(item);
      if (order.sourceType === 'redemption') snapshot.redemptions.push(order);
      else snapshot.orders.push(order);
    } else if (item.entity === 'REDEMPTION') snapshot.holds.push(itemToRedemption(item));
    else if (item.entity === 'IDEMPOTENCY') snapshot.idempotency.push(itemToIdempotency(item));
    else if (item.entity === 'LEDGER') {
      const entry = itemToLedgerEntry(item);
      if (entry.wallet !== 'points') continue;
      const list = snapshot.entries.get(entry.accountId) ?? [];
      list.push(entry);
      snapshot.entries.set(entry.accountId, list);
    }
  }
  for (const list of snapshot.entries.values()) list.sort((a, b) => a.seq - b.seq);
  return snapshot;
}

/**
 * The standing proof that no point was lost or created, for every wallet of a tenant:
 * balance = sum of ledger amounts = sum of lots (read from the lot pages) minus debt; sequences without gaps; chains
 * that verify; no idempotency key applied twice; every entry committed with its idempotency
 * record (nothing half-written); no redemption below zero; orders agreeing with their entries.
 */
export async function auditTenant(tenantId: string): Promise<TenantAudit> {
  const snapshot = await snapshotTenant(tenantId);
  const violations: string[] = [];
  const accountIds = new Set(snapshot.accounts.map((account) => account.accountId));
  for (const account of snapshot.accounts) {
    violations.push(
      ...walletViolations(account, snapshot.entries.get(account.accountId) ?? [], snapshot.pages.get(account.accountId) ?? []),
    );
  }
  for (const accountId of snapshot.entries.keys()) {
    if (!accountIds.has(accountId)) violations.push(`${accountId}: ledger entries without an account item`);
  }
  const allEntries = [...snapshot.entries.values()].flat();
  violations.push(...idempotencyViolations(allEntries, snapshot.idempotency));
  violations.push(...orderViolations(allEntries, snapshot.orders));
  violations.push(...redemptionViolations(allEntries, snapshot.redemptions));
  violations.push(...holdViolations(snapshot, allEntries, new Date().toISOString()));
  return { ...snapshot, violations };
}

function walletViolations(account: Account, entries: LedgerEntry[], pages: StoredPage[]): string[] {
  const id = account.accountId;
  const wallet = account.wallets.points;
  const out: string[] = pageSummaryViolations(wallet, pages).map((violation) => `${id}: ${violation}`);
  const ledgerSum = entries.reduce((sum, entry) => sum + entry.amount, 0);
  // Lots live in pages (expired ones too, until the sweep); a wallet from before pages holds them inline.
  const lots = wallet.pages ? pages.flatMap((page) => page.lots) : wallet.lots;
  const lotSum = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (wallet.balance !== ledgerSum) out.push(`${id}: balance ${wallet.balance} != ledger sum ${ledgerSum}`);
  if (wallet.balance !== lotSum - wallet.debt) out.push(`${id}: balance ${wallet.balance} != lots ${lotSum} - debt ${wallet.debt}`);
  if (lots.some((lot) => lot.remaining <= 0)) out.push(`${id}: a lot with nothing remaining was kept`);
  const chainBreak = verifyChain(entries);
  if (chainBreak) out.push(`${id}: chain broken at seq ${chainBreak.seq} (${chainBreak.reason})`);
  if (wallet.seq !== entries.length) out.push(`${id}: wallet seq ${wallet.seq} but ${entries.length} entries`);
  if ((entries.at(-1)?.hash ?? wallet.headHash) !== wallet.headHash) out.push(`${id}: head hash is not the last entry's`);
  if ((entries.at(-1)?.debtAfter ?? 0) !== wallet.debt) out.push(`${id}: debt ${wallet.debt} != last entry's debtAfter`);
  let running = 0;
  let debtBefore = 0;
  for (const entry of entries) {
    running += entry.amount;
    if (entry.balanceAfter !== running) out.push(`${id}#${entry.seq}: balanceAfter ${entry.balanceAfter} != running sum ${running}`);
    if (entry.type === 'REDEEM' && (entry.balanceAfter < 0 || debtBefore > 0 || entry.debtAfter > 0)) {
      out.push(`${id}#${entry.seq}: a redemption took the balance below zero or spent while in debt`);
    }
    debtBefore = entry.debtAfter;
  }
  return out;
}

function idempotencyViolations(entries: LedgerEntry[], records: IdempotencyRecord[]): string[] {
  const out: string[] = [];
  const transactionsByKey = new Map<string, Set<string>>();
  const keysByTransaction = new Map<string, Set<string>>();
  for (const entry of entries) {
    addTo(transactionsByKey, entry.idempotencyKey, entry.transactionId);
    addTo(keysByTransaction, entry.transactionId, entry.idempotencyKey);
  }
  for (const [key, transactions] of transactionsByKey) {
    if (transactions.size > 1) out.push(`idempotency key ${key} applied ${transactions.size} times`);
  }
  for (const [transactionId, keys] of keysByTransaction) {
    if (keys.size > 1) out.push(`transaction ${transactionId} carries ${keys.size} idempotency keys`);
  }
  // One key may have a record in each namespace (an operator's lock and a partner's earn under
  // the same key string); entries do not name theirs, so any record of the key may be theirs.
  const recordsByKey = new Map<string, IdempotencyRecord[]>();
  for (const record of records) recordsByKey.set(record.idempotencyKey, [...(recordsByKey.get(record.idempotencyKey) ?? []), record]);
  for (const [key, transactions] of transactionsByKey) {
    const stored = (recordsByKey.get(key) ?? []).map(
      (record) => (JSON.parse(record.result.bodyJson) as Record<string, unknown>).transactionId,
    );
    if (!stored.some((transactionId) => transactionId !== undefined && transactions.has(String(transactionId))))
      out.push(`idempotency key ${key}: entries without their idempotency record`);
  }
  for (const record of records) {
    const body = JSON.parse(record.result.bodyJson) as Record<string, unknown>;
    const moved = typeof body.transactionId === 'string' && typeof body.points === 'number' && body.points !== 0;
    if (moved && !transactionsByKey.get(record.idempotencyKey)?.has(body.transactionId as string)) {
      out.push(`idempotency key ${record.idempotencyKey}: a recorded answer whose ledger entries are missing`);
    }
  }
  return out;
}

function orderViolations(entries: LedgerEntry[], orders: OrderRecord[]): string[] {
  const out: string[] = [];
  for (const order of orders) {
    const mine = entries.filter((entry) => entry.accountId === order.accountId && entry.source?.orderId === order.orderId);
    const earned = mine.filter((entry) => entry.type === 'EARN').reduce((sum, entry) => sum + entry.amount, 0);
    const reversed = -mine.filter((entry) => entry.type === 'REVERSAL').reduce((sum, entry) => sum + entry.amount, 0);
    if (earned !== order.earnedPoints) out.push(`order ${order.orderId}: earned ${order.earnedPoints} but EARN entries sum to ${earned}`);
    if (reversed !== order.reversedPoints)
      out.push(`order ${order.orderId}: reversed ${order.reversedPoints} but REVERSAL entries sum to ${reversed}`);
    if (order.reversedPoints > order.earnedPoints) out.push(`order ${order.orderId}: reversed more than it earned`);
  }
  return out;
}

/** Each redemption order that redeemed (one-shot, or a committed hold) is its one REDEEM entry, and no order redeemed twice. */
function redemptionViolations(entries: LedgerEntry[], redemptions: RedemptionOrderRecord[]): string[] {
  const out: string[] = [];
  const redeems = entries.filter((entry) => entry.type === 'REDEEM');
  for (const order of redemptions) {
    if (order.hold && order.hold.status !== 'committed') continue;
    const entry = redeems.find((candidate) => candidate.transactionId === order.transactionId);
    if (!entry) out.push(`redemption order ${order.orderId}: no REDEEM entry for its transaction`);
    else if (entry.accountId !== order.accountId || entry.amount !== -order.points || entry.source?.orderId !== order.orderId) {
      out.push(`redemption order ${order.orderId}: its REDEEM entry is another account, amount or order`);
    }
  }
  const byOrder = new Map<string, number>();
  for (const entry of redeems) {
    const orderId = entry.source?.orderId;
    if (orderId !== undefined) byOrder.set(orderId, (byOrder.get(orderId) ?? 0) + 1);
  }
  for (const [orderId, count] of byOrder) if (count > 1) out.push(`order ${orderId} redeemed ${count} times`);
  return out;
}

/**
 * Holds: each live hold on a wallet is a held redemption record and reserves points of lots
 * that outlive it, live held never above the unexpired points (a clawback may take reserved
 * points, so a reservation may exceed its lot); every redemption record still held and live is on its wallet; every
 * committed one is exactly one REDEEM entry of its points, naming it.
 */
function holdViolations(snapshot: TenantSnapshot, entries: LedgerEntry[], now: string): string[] {
  const out: string[] = [];
  const records = new Map(snapshot.holds.map((hold) => [hold.redemptionId, hold]));
  for (const account of snapshot.accounts) {
    const wallet = account.wallets.points;
    const id = account.accountId;
    const lots = new Map(
      (wallet.pages ? (snapshot.pages.get(id) ?? []).flatMap((page) => page.lots) : wallet.lots).map((lot) => [lotKey(lot), lot]),
    );
    for (const hold of liveHolds(wallet, now)) {
      const record = records.get(hold.redemptionId);
      if (!record || redemptionStatus(record, now) !== 'held' || record.accountId !== id || record.points !== hold.points) {
        out.push(`${id}: live hold ${hold.redemptionId} is not a held redemption of its points`);
      }
      if (hold.lots.reduce((sum, lot) => sum + lot.points, 0) !== hold.points)
        out.push(`${id}: hold ${hold.redemptionId}'s lots do not sum to it`);
      for (const movement of hold.lots) {
        if (movement.expiresAt < hold.expiresAt) out.push(`${id}: hold ${hold.redemptionId} reserves a lot expiring before it ends`);
      }
    }
    const unexpired = [...lots.values()].reduce((sum, lot) => (isExpired(lot.expiresAt, now) ? sum : sum + lot.remaining), 0);
    const held = heldPoints({ ...wallet, lots: [...lots.values()], loaded: Object.keys(wallet.pages ?? {}) }, now);
    if (held > unexpired) out.push(`${id}: held ${held} exceeds unexpired ${unexpired}`);
    const listed = (wallet.holds ?? []).reduce((sum, hold) => sum + hold.points, 0);
    if (wallet.held !== listed) out.push(`${id}: held ${wallet.held} is not its listed holds' ${listed}`);
  }
  for (const record of snapshot.holds) {
    const account = snapshot.accounts.find((candidate) => candidate.accountId === record.accountId);
    const onWallet = (account?.wallets.points.holds ?? []).some((hold) => hold.redemptionId === record.redemptionId);
    if (redemptionStatus(record, now) === 'held' && !onWallet) out.push(`redemption ${record.redemptionId}: held but not on its wallet`);
    if (record.status !== 'held' && onWallet) out.push(`redemption ${record.redemptionId}: ${record.status} but still on its wallet`);
    const redeems = entries.filter((entry) => entry.type === 'REDEEM' && entry.source?.redemptionId === record.redemptionId);
    if (record.status === 'committed') {
      if (redeems.length !== 1 || redeems[0]!.amount !== -record.points || redeems[0]!.transactionId !== record.transactionId) {
        out.push(`redemption ${record.redemptionId}: committed but not one REDEEM entry of its points`);
      }
    } else if (redeems.length > 0) out.push(`redemption ${record.redemptionId}: ${record.status} yet it has a REDEEM entry`);
  }
  return out;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}
