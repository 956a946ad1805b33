import type { Lot, LotMovement, PointType, Wallet } from './types.ts';
import { isExpired } from './time.ts';

/** Spend order: earliest expiry first, then earliest award (FIFO), then type for stability. */
export function compareSpendOrder(a: Lot, b: Lot): number {
  return a.expiresAt.localeCompare(b.expiresAt) || a.awardedAt.localeCompare(b.awardedAt) || a.type.localeCompare(b.type);
}

export function unexpiredPoints(wallet: Wallet, now: string): number {
  return wallet.lots.reduce((sum, lot) => (isExpired(lot.expiresAt, now) ? sum : sum + lot.remaining), 0);
}

/** Points a debit may take now: unexpired lots, less holds, and nothing while in debt. */
export function availablePoints(wallet: Wallet, now: string): number {
  if (wallet.debt > 0) return 0;
  return Math.max(0, unexpiredPoints(wallet, now) - wallet.held);
}

export interface CreditResult {
  wallet: Wallet;
  /** Points that paid debt down instead of creating a lot. */
  debtPaid: number;
  /** The lot movement recorded on the ledger (absent when everything paid debt). */
  movement?: LotMovement;
}

/**
 * Credits live points: debt is paid down first, the rest creates or tops up the lot of the
 * same type and expiry. Points already expired when they arrive never pay debt.
 */
export function creditWallet(
  wallet: Wallet,
  credit: { points: number; type: PointType; expiresAt: string; awardedAt: string },
): CreditResult {
  if (isExpired(credit.expiresAt, credit.awardedAt)) {
    throw new Error('creditWallet: only live points may be credited (the decision must refuse expired ones)');
  }
  const debtPaid = Math.min(wallet.debt, credit.points);
  const toLot = credit.points - debtPaid;
  let lots = wallet.lots;
  if (toLot > 0) {
    const existing = lots.find((lot) => lot.type === credit.type && lot.expiresAt === credit.expiresAt);
    lots = existing
      ? lots.map((lot) => (lot === existing ? { ...lot, remaining: lot.remaining + toLot } : lot))
      : [...lots, { type: credit.type, expiresAt: credit.expiresAt, awardedAt: credit.awardedAt, remaining: toLot }];
    lots = [...lots].sort(compareSpendOrder);
  }
  return {
    wallet: { ...wallet, lots, debt: wallet.debt - debtPaid, balance: wallet.balance + credit.points },
    debtPaid,
    ...(toLot > 0 ? { movement: { type: credit.type, expiresAt: credit.expiresAt, points: toLot } } : {}),
  };
}

export interface DebitResult {
  wallet: Wallet;
  consumed: LotMovement[];
  /** Points that no unexpired lot could cover and became debt (only when allowed). */
  debtAdded: number;
}

/**
 * Takes points from unexpired lots in spend order. Callers check availability first; a
 * shortfall becomes debt only when `allowDebt` (reversals and clawbacks), otherwise it throws
 * because the decision that called this was wrong.
 */
export function debitWallet(wallet: Wallet, points: number, now: string, allowDebt: boolean): DebitResult {
  let outstanding = points;
  const consumed: LotMovement[] = [];
  const lots: Lot[] = [];
  for (const lot of [...wallet.lots].sort(compareSpendOrder)) {
    if (outstanding === 0 || isExpired(lot.expiresAt, now)) {
      lots.push(lot);
      continue;
    }
    const take = Math.min(lot.remaining, outstanding);
    outstanding -= take;
    consumed.push({ type: lot.type, expiresAt: lot.expiresAt, points: take });
    if (lot.remaining > take) lots.push({ ...lot, remaining: lot.remaining - take });
  }
  if (outstanding > 0 && !allowDebt) {
    throw new Error('debitWallet: shortfall on a debit that does not allow debt');
  }
  return {
    wallet: { ...wallet, lots, debt: wallet.debt + outstanding, balance: wallet.balance - points },
    consumed,
    debtAdded: outstanding,
  };
}

export function emptyWallet(genesisHash: string): Wallet {
  return { balance: 0, held: 0, debt: 0, seq: 0, headHash: genesisHash, lots: [] };
}

/** Earliest expiry among the wallet's lots (drives the sparse expiry index). */
export function nextExpiry(wallet: Wallet): string | undefined {
  return wallet.lots.reduce<string | undefined>(
    (earliest, lot) => (earliest === undefined || lot.expiresAt < earliest ? lot.expiresAt : earliest),
    undefined,
  );
}
