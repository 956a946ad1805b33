import { isLive } from './holds.ts';
import type { RedemptionHold, RedemptionStatus } from './types.ts';

/** A hold's status as it stands: one still stored as held but past its end has expired by itself. */
export function redemptionStatus(hold: Pick<RedemptionHold, 'status' | 'expiresAt'>, now: string): RedemptionStatus {
  return hold.status === 'held' && !isLive(hold, now) ? 'expired' : hold.status;
}

/** A two-phase redemption as a partner sees it (no risk signals, no lot detail). */
export function partnerRedemptionView(hold: RedemptionHold, now: string) {
  return {
    redemptionId: hold.redemptionId,
    accountId: hold.accountId,
    orderId: hold.orderId,
    points: hold.points,
    discountCents: hold.discountCents,
    status: redemptionStatus(hold, now),
    expiresAt: hold.expiresAt,
    createdAt: hold.createdAt,
    ...(hold.transactionId ? { transactionId: hold.transactionId } : {}),
    ...(hold.closedAt ? { closedAt: hold.closedAt } : {}),
  };
}
