import { heldPoints, holdMonths, liveHolds, reservationIntact, spendReserved, withHolds } from '../holds.ts';
import { appendEntry } from '../ledger.ts';
import { blockingLock, lockExtra } from '../locks.ts';
import { availablePoints, PagesNeeded } from '../lots.ts';
import { pointsWalletUpdate, type Decision } from '../plan.ts';
import { redemptionStatus } from '../redemptions.ts';
import { refuse, type Refusal } from '../result.ts';
import type { Account, RedemptionHold, RedemptionOrderRecord, RedemptionStatus, RequestContext } from '../types.ts';

/**
 * The second phase of a two-phase redemption, and its other ends: commit (the reserved lots
 * spent by a REDEEM entry), release by the partner, and expiry (the hold's timer tidying a hold
 * that ended unclaimed; it stopped reserving at its end already). Each moves the redemption
 * record, its order's status and the wallet's holds in one transaction.
 */

export interface HoldState {
  account: Account | undefined;
  redemption: RedemptionHold | undefined;
  order: RedemptionOrderRecord | undefined;
}

function findHold(state: HoldState, redemptionId: string): Refusal | { ok: true; account: Account; hold: RedemptionHold } {
  const { account, redemption } = state;
  if (!redemption || !account || account.accountId !== redemption.accountId) {
    return refuse('redemption_not_found', `No redemption ${redemptionId}`);
  }
  return { ok: true, account, hold: redemption };
}

function notHeld(hold: RedemptionHold, status: RedemptionStatus): Refusal {
  const told: Record<RedemptionStatus, string> = {
    held: 'is held',
    committed: 'is already committed',
    released: 'was released',
    expired: 'expired unclaimed at its end; its points are available again',
  };
  return refuse('redemption_not_held', `Redemption ${hold.redemptionId} ${told[status]}`, {
    redemptionStatus: status,
    ...(hold.transactionId ? { transactionId: hold.transactionId } : {}),
  });
}

/** The order's record with its hold's new status, when the order is still this hold's (a later redemption may have taken it over). */
function orderWithStatus(
  order: RedemptionOrderRecord | undefined,
  hold: RedemptionHold,
  status: RedemptionStatus,
  transactionId?: string,
): { next: RedemptionOrderRecord; expectedVersion: number } | undefined {
  if (!order?.hold || order.hold.redemptionId !== hold.redemptionId) return undefined;
  return {
    next: { ...order, ...(transactionId ? { transactionId } : {}), hold: { ...order.hold, status }, version: order.version + 1 },
    expectedVersion: order.version,
  };
}

const closed = (hold: RedemptionHold, status: RedemptionStatus, now: string, transactionId?: string) => ({
  next: { ...hold, status, closedAt: now, ...(transactionId ? { transactionId } : {}), version: hold.version + 1 },
  expectedVersion: hold.version,
});

/**
 * Commit: spends exactly the lots the hold reserved (they outlive it, and no other debit could
 * take them), as one REDEEM entry priced when the hold was made. Refused once the hold has
 * ended by any means, while the account is locked for redemption or in debt, and when a
 * clawback took some of the reserved points meanwhile (the partner releases it then).
 */
export function decideCommitHold(state: HoldState, redemptionId: string, ctx: RequestContext): Decision {
  const found = findHold(state, redemptionId);
  if (!found.ok) return found;
  const { account, hold } = found;
  const status = redemptionStatus(hold, ctx.now);
  if (status !== 'held') return notHeld(hold, status);
  const lock = blockingLock(account, 'redemption', ctx.now);
  if (lock) return refuse('account_locked', `Redemption is locked on this account (${lock.kind} lock)`, lockExtra(lock));
  const wallet = account.wallets.points;
  const reservation = liveHolds(wallet, ctx.now).find((open) => open.redemptionId === redemptionId);
  if (!reservation) throw new Error(`decideCommitHold: live hold ${redemptionId} is not on its wallet`);
  const missing = holdMonths(reservation.lots).filter((month) => wallet.pages && !(wallet.loaded ?? []).includes(month));
  if (missing.length > 0) throw new PagesNeeded(wallet.partition, missing);
  if (wallet.debt > 0) {
    return refuse('negative_balance', 'The balance is negative: redemption is refused until the debt is paid; release the hold', {
      available: 0,
    });
  }
  if (!reservationIntact(wallet, reservation)) {
    return refuse('insufficient_points', 'Points this hold reserved were taken back by a reversal or clawback since; release the hold', {
      available: availablePoints(wallet, ctx.now),
    });
  }
  const { wallet: next, entry } = appendEntry(
    spendReserved(wallet, reservation),
    wallet,
    {
      accountId: account.accountId,
      wallet: 'points',
      type: 'REDEEM',
      amount: -hold.points,
      lots: reservation.lots,
      ruleVersion: hold.ruleVersion,
      source: { type: 'redemption', orderId: hold.orderId, redemptionId },
      ...(hold.risk ? { risk: hold.risk } : {}),
    },
    ctx,
  );
  const order = orderWithStatus(state.order, hold, 'committed', ctx.transactionId);
  return {
    ok: true,
    accounts: [pointsWalletUpdate(account, next, ctx.now)],
    entries: [entry],
    ...(order ? { order } : {}),
    redemption: closed(hold, 'committed', ctx.now, ctx.transactionId),
    result: {
      effect: 'updated',
      body: {
        redemptionId,
        status: 'committed',
        transactionId: ctx.transactionId,
        accountId: account.accountId,
        orderId: hold.orderId,
        points: hold.points,
        discountCents: hold.discountCents,
        balance: next.balance,
      },
    },
  };
}

/**
 * Release (`partner`: the checkout was abandoned) or expiry (`timer`: the hold ended
 * unclaimed). Nothing is debited: the hold leaves the wallet (with any other hold already
 * over), and its order is free for another redemption. A partner may release only a live hold;
 * the timer only a hold past its end (early, it is refused and retried).
 */
export function decideReleaseHold(state: HoldState, redemptionId: string, by: 'partner' | 'timer', ctx: RequestContext): Decision {
  const found = findHold(state, redemptionId);
  if (!found.ok) return found;
  const { account, hold } = found;
  const status = redemptionStatus(hold, ctx.now);
  if (by === 'partner' && status !== 'held') return notHeld(hold, status);
  if (by === 'timer' && hold.status !== 'held') return notHeld(hold, hold.status);
  if (by === 'timer' && status === 'held') {
    return refuse('hold_not_due', `Redemption ${redemptionId} is held until ${hold.expiresAt}`);
  }
  const outcome: RedemptionStatus = by === 'partner' ? 'released' : 'expired';
  const wallet = account.wallets.points;
  const listed = (wallet.holds ?? []).some((open) => open.redemptionId === redemptionId);
  const remaining = liveHolds(wallet, ctx.now).filter((open) => open.redemptionId !== redemptionId);
  const next = withHolds(wallet, remaining);
  const order = orderWithStatus(state.order, hold, outcome);
  return {
    ok: true,
    // A hold already dropped from the wallet (a later hold tidied it) leaves the account as it is.
    accounts: listed ? [pointsWalletUpdate(account, next, ctx.now)] : [],
    entries: [],
    ...(order ? { order } : {}),
    redemption: closed(hold, outcome, ctx.now),
    result: {
      effect: 'updated',
      body: {
        redemptionId,
        status: outcome,
        accountId: account.accountId,
        balance: next.balance,
        available: availablePoints(next, ctx.now),
        held: heldPoints(next, ctx.now),
      },
    },
  };
}
