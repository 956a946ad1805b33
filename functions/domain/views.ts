import { heldPoints } from './holds.ts';
import { activeLocks } from './locks.ts';
import { availablePoints, unexpiredPoints } from './lots.ts';
import { isExpired, localDate } from './time.ts';
import { trustLevel } from './trust.ts';
import type { Account, LedgerEntry } from './types.ts';

/** What a partner may see of an account (no fraud flags, no lock reasons). */
export function partnerAccountView(account: Account, now: string) {
  return {
    accountId: account.accountId,
    profile: account.profile,
    verification: account.verification,
    tier: account.tier,
    trustLevel: trustLevel(account),
    locks: activeLocks(account, now).map((lock) => ({ kind: lock.kind, ...(lock.until ? { until: lock.until } : {}) })),
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

/**
 * Balance as a partner sees it. `balance` is the ledger balance (it still includes expired
 * points until the sweep writes their EXPIRE entry); `available` never counts them.
 */
export function balanceView(account: Account, now: string, timeZone: string) {
  const wallet = account.wallets.points;
  const byType: Record<string, number> = {};
  const expiringByDate = new Map<string, number>();
  for (const lot of wallet.lots) {
    if (isExpired(lot.expiresAt, now)) continue;
    byType[lot.type] = (byType[lot.type] ?? 0) + lot.remaining;
    const date = localDate(lot.expiresAt, timeZone);
    expiringByDate.set(date, (expiringByDate.get(date) ?? 0) + lot.remaining);
  }
  return {
    accountId: account.accountId,
    balance: wallet.balance,
    available: availablePoints(wallet, now),
    held: heldPoints(wallet, now),
    debt: wallet.debt,
    expired: wallet.balance + wallet.debt - unexpiredPoints(wallet, now),
    byType,
    expiring: [...expiringByDate.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, points]) => ({ date, points })),
  };
}

/** A ledger entry as a partner sees it: no actor details, hashed client data or idempotency key. */
export function partnerTransactionView(entry: LedgerEntry) {
  return {
    transactionId: entry.transactionId,
    accountId: entry.accountId,
    wallet: entry.wallet,
    sequence: entry.seq,
    type: entry.type,
    points: entry.amount,
    balanceAfter: entry.balanceAfter,
    ...(entry.source ? { source: entry.source } : {}),
    ...(entry.reasonCode ? { reasonCode: entry.reasonCode } : {}),
    ...(entry.ruleVersion !== undefined ? { ruleVersion: entry.ruleVersion } : {}),
    ...(entry.promotionId !== undefined ? { promotionId: entry.promotionId } : {}),
    lots: entry.lots,
    ...(entry.occurredAt ? { occurredAt: entry.occurredAt } : {}),
    createdAt: entry.createdAt,
    hash: entry.hash,
  };
}
