import type { Lot, LotMovement, PointType, Wallet } from './types.ts';
import { isExpired } from './time.ts';

/** Spend order: earliest expiry first, then earliest award (FIFO), then type for stability. */
export function compareSpendOrder(a: Lot, b: Lot): number {
  return a.expiresAt.localeCompare(b.expiresAt) || a.awardedAt.localeCompare(b.awardedAt) || a.type.localeCompare(b.type);
}

/** The page a lot belongs to: the UTC month of its expiry (`YYYY-MM`). */
export const pageMonth = (instant: string): string => instant.slice(0, 7);

/**
 * Thrown by a wallet function that needs lot pages the decision was not given. The command
 * runner reads exactly those pages (one read round) and decides again, so decisions stay pure
 * and never read; every page a decision needs is named at once.
 */
export class PagesNeeded extends Error {
  readonly partition: string | undefined;
  readonly months: string[];
  // Plain fields, not parameter properties: the audit CLI runs this file with Node's type stripping.
  constructor(partition: string | undefined, months: string[]) {
    super(`lot pages not loaded: ${months.join(', ')}`);
    this.name = 'PagesNeeded';
    this.partition = partition;
    this.months = months;
  }
}

const isLoaded = (wallet: Wallet, month: string): boolean => !wallet.pages || (wallet.loaded ?? []).includes(month);

function loadedUnexpired(wallet: Wallet, month: string, now: string): number {
  return wallet.lots.reduce(
    (sum, lot) => (pageMonth(lot.expiresAt) !== month || isExpired(lot.expiresAt, now) ? sum : sum + lot.remaining),
    0,
  );
}

/**
 * Live points month by month, earliest first, from the summary and the loaded pages. A month
 * after the current one is wholly live (its summary says how much); the current month is
 * partly expired, so it counts only once loaded; earlier months are wholly expired.
 */
function liveByMonth(wallet: Wallet, now: string): { month: string; points: number; loaded: boolean }[] {
  const current = pageMonth(now);
  const months = new Set([...Object.keys(wallet.pages ?? {}), ...(wallet.loaded ?? [])]);
  return [...months]
    .filter((month) => month >= current)
    .sort()
    .map((month) =>
      isLoaded(wallet, month)
        ? { month, points: loadedUnexpired(wallet, month, now), loaded: true }
        : { month, points: wallet.pages?.[month]?.points ?? 0, loaded: false },
    );
}

export function unexpiredPoints(wallet: Wallet, now: string): number {
  if (!wallet.pages) return wallet.lots.reduce((sum, lot) => (isExpired(lot.expiresAt, now) ? sum : sum + lot.remaining), 0);
  const current = pageMonth(now);
  if (wallet.pages[current] && !isLoaded(wallet, current)) throw new PagesNeeded(wallet.partition, [current]);
  return liveByMonth(wallet, now).reduce((sum, month) => sum + month.points, 0);
}

/** Names the unloaded pages a debit of `points` reaches in spend order (all live ones when short). */
function requirePagesFor(wallet: Wallet, points: number, now: string): void {
  if (!wallet.pages) return;
  const current = pageMonth(now);
  const missing: string[] = [];
  if (wallet.pages[current] && !isLoaded(wallet, current)) missing.push(current);
  let covered = 0;
  for (const month of liveByMonth(wallet, now)) {
    if (covered >= points) break;
    if (!month.loaded && month.month !== current) missing.push(month.month);
    // An unloaded current month is partly expired: it covers nothing until read.
    covered += month.loaded || month.month !== current ? month.points : 0;
  }
  if (missing.length > 0) throw new PagesNeeded(wallet.partition, missing);
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
  const month = pageMonth(credit.expiresAt);
  if (toLot > 0 && wallet.pages?.[month] && !isLoaded(wallet, month)) throw new PagesNeeded(wallet.partition, [month]);
  let lots = wallet.lots;
  let loaded = wallet.loaded;
  if (toLot > 0) {
    if (wallet.pages && !isLoaded(wallet, month)) loaded = [...(loaded ?? []), month];
    const existing = lots.find((lot) => lot.type === credit.type && lot.expiresAt === credit.expiresAt);
    lots = existing
      ? lots.map((lot) => (lot === existing ? { ...lot, remaining: lot.remaining + toLot } : lot))
      : [...lots, { type: credit.type, expiresAt: credit.expiresAt, awardedAt: credit.awardedAt, remaining: toLot }];
    lots = [...lots].sort(compareSpendOrder);
  }
  return {
    wallet: { ...wallet, lots, ...(loaded ? { loaded } : {}), debt: wallet.debt - debtPaid, balance: wallet.balance + credit.points },
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
  requirePagesFor(wallet, points, now);
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

/** A new wallet; its first change moves it to pages (see `pageChanges`). */
export function emptyWallet(genesisHash: string): Wallet {
  return { balance: 0, held: 0, debt: 0, seq: 0, headHash: genesisHash, lots: [] };
}

/** Earliest expiry among some lots (a page's: drives the sparse expiry index). */
export function nextExpiry(lots: Lot[]): string | undefined {
  return lots.reduce<string | undefined>(
    (earliest, lot) => (earliest === undefined || lot.expiresAt < earliest ? lot.expiresAt : earliest),
    undefined,
  );
}
