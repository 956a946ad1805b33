import { isExpired } from './time.ts';
import type { HoldReservation, Lot, LotMovement, Wallet } from './types.ts';

/**
 * Two-phase redemption's reservations, on the wallet itself. A hold names the lots it reserved
 * (chosen in spend order among lots that outlive the hold), so its commit spends exactly those.
 * A hold counts only while it is live (before `expiresAt`): an unclaimed hold stops reserving
 * anything at that instant by itself, whether or not its timer has tidied it away yet. Since a
 * hold only reserves lots living past its end, a live hold's points are always unexpired: held
 * never exceeds the unexpired points, and the expiry sweep never meets a reserved lot.
 */

/** Open holds an account may have at once: bounds the account item (each names its lots). */
export const MAX_OPEN_HOLDS = 10;

export const lotKey = (lot: Pick<Lot, 'type' | 'expiresAt'>) => `${lot.type}|${lot.expiresAt}`;

export const isLive = (hold: Pick<HoldReservation, 'expiresAt'>, now: string) => !isExpired(hold.expiresAt, now);

export function liveHolds(wallet: Wallet, now: string): HoldReservation[] {
  return (wallet.holds ?? []).filter((hold) => isLive(hold, now));
}

/**
 * Points live holds reserve that are still there: a clawback may take reserved points (it
 * comes before any hold, see debitWallet), so a reservation counts up to its lot's remaining
 * points only, and held never exceeds the unexpired points. A page not loaded counts up to its
 * summary.
 */
export function heldPoints(wallet: Wallet, now: string): number {
  let held = 0;
  const unloaded = new Map<string, number>();
  for (const [key, points] of reservedByLot(wallet, now)) {
    const month = key.slice(key.indexOf('|') + 1, key.indexOf('|') + 8);
    if (wallet.pages && !(wallet.loaded ?? []).includes(month)) {
      unloaded.set(month, (unloaded.get(month) ?? 0) + points);
      continue;
    }
    held += Math.min(points, wallet.lots.find((lot) => lotKey(lot) === key)?.remaining ?? 0);
  }
  for (const [month, points] of unloaded) held += Math.min(points, wallet.pages?.[month]?.points ?? 0);
  return held;
}

/** Whether every lot a hold reserved still has its reserved points (a clawback may have taken some). */
export function reservationIntact(wallet: Wallet, hold: HoldReservation): boolean {
  return hold.lots.every((movement) => (wallet.lots.find((lot) => lotKey(lot) === lotKey(movement))?.remaining ?? 0) >= movement.points);
}

/** Points of each lot (by type and expiry) that live holds reserve. */
export function reservedByLot(wallet: Wallet, now: string): Map<string, number> {
  const reserved = new Map<string, number>();
  for (const hold of liveHolds(wallet, now)) {
    for (const movement of hold.lots) reserved.set(lotKey(movement), (reserved.get(lotKey(movement)) ?? 0) + movement.points);
  }
  return reserved;
}

/** The wallet with its holds list changed, `held` kept as the listed holds' total. */
export function withHolds(wallet: Wallet, holds: HoldReservation[]): Wallet {
  const { holds: _holds, ...rest } = wallet;
  return {
    ...rest,
    held: holds.reduce((sum, hold) => sum + hold.points, 0),
    ...(holds.length > 0 ? { holds } : {}),
  };
}

/**
 * Takes the reserved lots of a hold out of the wallet: the commit's debit. By the invariant
 * above each lot is still there with at least its reserved points (debits skip reserved points,
 * and the sweep only takes expired lots); a wallet that breaks it is a bug, not a refusal.
 */
export function spendReserved(wallet: Wallet, hold: HoldReservation): Wallet {
  const take = new Map(hold.lots.map((movement) => [lotKey(movement), movement.points]));
  const lots: Lot[] = [];
  for (const lot of wallet.lots) {
    const points = take.get(lotKey(lot));
    if (points === undefined) {
      lots.push(lot);
      continue;
    }
    if (lot.remaining < points) throw new Error(`spendReserved: lot ${lotKey(lot)} holds less than its reservation`);
    take.delete(lotKey(lot));
    if (lot.remaining > points) lots.push({ ...lot, remaining: lot.remaining - points });
  }
  if (take.size > 0) throw new Error(`spendReserved: reserved lots missing: ${[...take.keys()].join(', ')}`);
  const others = (wallet.holds ?? []).filter((other) => other.redemptionId !== hold.redemptionId);
  return { ...withHolds(wallet, others), lots, balance: wallet.balance - hold.points };
}

/** The months of a hold's lots (the pages its commit writes). */
export const holdMonths = (lots: LotMovement[]) => [...new Set(lots.map((lot) => lot.expiresAt.slice(0, 7)))].sort();
