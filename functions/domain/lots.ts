import type { Lot, LotMovement, PointType, Wallet } from './types.ts';
import { heldPoints, lotKey, reservedByLot } from './holds.ts';
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

/** Where a debit or a reservation looks: lots alive at `until`, less what live holds reserve. */
interface Reach {
  until: string;
  reserved: Map<string, number>;
}

const NO_RESERVATIONS: Map<string, number> = new Map();

function loadedFree(wallet: Wallet, month: string, reach: Reach): number {
  return wallet.lots.reduce(
    (sum, lot) =>
      pageMonth(lot.expiresAt) !== month || isExpired(lot.expiresAt, reach.until)
        ? sum
        : sum + Math.max(0, lot.remaining - (reach.reserved.get(lotKey(lot)) ?? 0)),
    0,
  );
}

function reservedInMonth(reserved: Map<string, number>, month: string): number {
  let sum = 0;
  for (const [key, points] of reserved) if (key.slice(key.indexOf('|') + 1, key.indexOf('|') + 8) === month) sum += points;
  return sum;
}

/**
 * Points within reach month by month, earliest first, from the summary and the loaded pages. A
 * month after `until`'s is wholly alive then (its summary says how much); `until`'s month and
 * the ones before it down to the current month are partly over, so they count only once
 * loaded; months before the current one are wholly expired.
 */
function liveByMonth(wallet: Wallet, now: string, reach: Reach): { month: string; points: number; loaded: boolean }[] {
  const current = pageMonth(now);
  const months = new Set([...Object.keys(wallet.pages ?? {}), ...(wallet.loaded ?? [])]);
  return [...months]
    .filter((month) => month >= current)
    .sort()
    .map((month) =>
      isLoaded(wallet, month)
        ? { month, points: loadedFree(wallet, month, reach), loaded: true }
        : { month, points: Math.max(0, (wallet.pages?.[month]?.points ?? 0) - reservedInMonth(reach.reserved, month)), loaded: false },
    );
}

export function unexpiredPoints(wallet: Wallet, now: string): number {
  if (!wallet.pages) return wallet.lots.reduce((sum, lot) => (isExpired(lot.expiresAt, now) ? sum : sum + lot.remaining), 0);
  const current = pageMonth(now);
  if (wallet.pages[current] && !isLoaded(wallet, current)) throw new PagesNeeded(wallet.partition, [current]);
  return liveByMonth(wallet, now, { until: now, reserved: NO_RESERVATIONS }).reduce((sum, month) => sum + month.points, 0);
}

/** Names the unloaded pages a debit of `points` within `reach` needs, in spend order (all live ones when short). */
function requirePagesFor(wallet: Wallet, points: number, now: string, reach: Reach): void {
  if (!wallet.pages) return;
  const partlyOver = pageMonth(reach.until);
  const missing: string[] = [];
  let covered = 0;
  for (const month of liveByMonth(wallet, now, reach)) {
    if (month.loaded) {
      covered += month.points;
      continue;
    }
    // A partly expired month covers nothing until read; a later one counts on its summary.
    if (month.month <= partlyOver) missing.push(month.month);
    else if (covered < points) {
      missing.push(month.month);
      covered += month.points;
    }
  }
  if (missing.length > 0) throw new PagesNeeded(wallet.partition, missing);
}

/** Points a debit may take now: unexpired lots, less live holds, and nothing while in debt. */
export function availablePoints(wallet: Wallet, now: string): number {
  if (wallet.debt > 0) return 0;
  return Math.max(0, unexpiredPoints(wallet, now) - heldPoints(wallet, now));
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
 * Takes points from unexpired lots in spend order, leaving what live holds reserve. Callers
 * check availability first; a shortfall throws (the decision was wrong) unless `allowDebt`
 * (reversals and clawbacks): those take the free points, then, rather than run into debt,
 * the reserved ones (points at risk go back first; the hold whose points they took can no
 * longer commit in full, see holds.ts), and only then make debt.
 */
export function debitWallet(wallet: Wallet, points: number, now: string, allowDebt: boolean): DebitResult {
  const reach = { until: now, reserved: reservedByLot(wallet, now) };
  // Pages counted on free points: a clawback the free points cannot cover reads every live page
  // (requirePagesFor names them all when short), so it never takes reserved points while free ones sit unread.
  requirePagesFor(wallet, points, now, reach);
  const taken = new Map<string, number>();
  let outstanding = points;
  const take = (lot: Lot, limit: number) => {
    const already = taken.get(lotKey(lot)) ?? 0;
    const points = Math.min(lot.remaining - already, limit, outstanding);
    if (points <= 0) return;
    taken.set(lotKey(lot), already + points);
    outstanding -= points;
  };
  const live = [...wallet.lots].sort(compareSpendOrder).filter((lot) => !isExpired(lot.expiresAt, now));
  for (const lot of live) take(lot, lot.remaining - (reach.reserved.get(lotKey(lot)) ?? 0));
  if (outstanding > 0 && !allowDebt) throw new Error('debitWallet: shortfall on a debit that does not allow debt');
  for (const lot of live) take(lot, lot.remaining);
  const consumed: LotMovement[] = [];
  const lots: Lot[] = [];
  for (const lot of [...wallet.lots].sort(compareSpendOrder)) {
    const points = taken.get(lotKey(lot)) ?? 0;
    if (points > 0) consumed.push({ type: lot.type, expiresAt: lot.expiresAt, points });
    if (lot.remaining > points) lots.push(points > 0 ? { ...lot, remaining: lot.remaining - points } : lot);
  }
  return {
    wallet: { ...wallet, lots, debt: wallet.debt + outstanding, balance: wallet.balance - points },
    consumed,
    debtAdded: outstanding,
  };
}

/**
 * The lots a hold of `points` reserves: the free points (not reserved by live holds) of lots
 * still alive at `until`, the hold's end, taken in spend order, so its commit can never meet an
 * expired lot. When they fall short: how many there are.
 */
export function reserveLots(
  wallet: Wallet,
  points: number,
  now: string,
  until: string,
): { ok: true; lots: LotMovement[] } | { ok: false; reachable: number } {
  const reach = { until, reserved: reservedByLot(wallet, now) };
  requirePagesFor(wallet, points, now, reach);
  let outstanding = points;
  const lots: LotMovement[] = [];
  for (const lot of [...wallet.lots].sort(compareSpendOrder)) {
    if (outstanding === 0) break;
    if (isExpired(lot.expiresAt, until)) continue;
    const take = Math.min(lot.remaining - (reach.reserved.get(lotKey(lot)) ?? 0), outstanding);
    if (take <= 0) continue;
    outstanding -= take;
    lots.push({ type: lot.type, expiresAt: lot.expiresAt, points: take });
  }
  if (outstanding === 0) return { ok: true, lots };
  // Short: every live page was read (requirePagesFor names them all when short), so this is all there is.
  return { ok: false, reachable: points - outstanding };
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
