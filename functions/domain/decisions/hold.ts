import { discountCents } from '../earning.ts';
import { heldPoints, liveHolds, MAX_OPEN_HOLDS, withHolds } from '../holds.ts';
import { availablePoints, reserveLots } from '../lots.ts';
import { eventsOf, pointsWalletUpdate, type Decision } from '../plan.ts';
import { refuse } from '../result.ts';
import type { TenantConfig } from '../tenant-config.ts';
import type { Account, RedemptionHold, RedemptionOrderRecord, RequestContext } from '../types.ts';
import { checkRedemption, redemptionOrderWrite, type RedemptionRequest } from './redemption-checks.ts';

export interface HoldRequest extends RedemptionRequest {
  /** The hold's life (1 to 86400 s); the tenant's `redemption.holdSeconds` when left out. */
  holdSeconds?: number;
}

/**
 * The first phase of a two-phase redemption: reserves points for an order, for a while. The
 * rules are a one-shot redemption's (redemption-checks.ts: lock, one redemption per order,
 * figures, available points, anti-fraud counted now), and the reserved lots must outlive the
 * hold. Nothing is debited: the hold goes on the wallet (naming its lots), the order record
 * takes its status, and the redemption gets its own record, all in one transaction. Holds past
 * their end are dropped from the wallet on the way (they reserve nothing already).
 */
export function decideHold(
  found: Account | undefined,
  existingOrder: RedemptionOrderRecord | undefined,
  request: HoldRequest,
  redemptionId: string,
  config: TenantConfig,
  ctx: RequestContext,
): Decision {
  const checked = checkRedemption(found, existingOrder, request, config, ctx);
  if (!checked.ok) return checked;
  const { account, rule, window, risk, tierEvents } = checked;
  const wallet = account.wallets.points;
  const open = liveHolds(wallet, ctx.now);
  if (open.length >= MAX_OPEN_HOLDS) {
    return refuse('too_many_holds', `An account may have at most ${MAX_OPEN_HOLDS} open holds; commit or release one first`, {
      limit: MAX_OPEN_HOLDS,
      window: 'open holds',
      remaining: 0,
    });
  }
  const holdSeconds = request.holdSeconds ?? rule.redemption.holdSeconds;
  const expiresAt = new Date(Date.parse(ctx.now) + holdSeconds * 1000).toISOString();
  const reserved = reserveLots(wallet, request.points, ctx.now, expiresAt);
  if (!reserved.ok) {
    return refuse(
      'insufficient_points',
      `Only ${reserved.reachable} of the available points stay valid until the hold would end (${expiresAt}); hold fewer points or for less time`,
      { available: reserved.reachable },
    );
  }
  const discount = discountCents(request.points, rule);
  const held = withHolds(wallet, [...open, { redemptionId, points: request.points, expiresAt, lots: reserved.lots }]);
  const hold: RedemptionHold = {
    tenantId: ctx.tenantId,
    redemptionId,
    accountId: account.accountId,
    orderId: request.orderId,
    points: request.points,
    discountCents: discount,
    ruleVersion: rule.version,
    status: 'held',
    expiresAt,
    lots: reserved.lots,
    createdAt: ctx.now,
    risk,
    version: 1,
  };
  const order = redemptionOrderWrite(
    existingOrder,
    {
      accountId: account.accountId,
      orderId: request.orderId,
      points: request.points,
      discountCents: discount,
      hold: { redemptionId, status: 'held', expiresAt },
    },
    ctx,
  );
  const update = pointsWalletUpdate(account, held, ctx.now);
  return {
    ok: true,
    accounts: [{ ...update, next: { ...update.next, redemptionWindow: window } }],
    entries: [],
    order,
    redemption: { next: hold, expectedVersion: null },
    ...eventsOf(tierEvents),
    result: {
      effect: 'created',
      body: {
        redemptionId,
        status: 'held',
        accountId: account.accountId,
        orderId: request.orderId,
        points: request.points,
        discountCents: discount,
        expiresAt,
        balance: held.balance,
        available: availablePoints(held, ctx.now),
        held: heldPoints(held, ctx.now),
      },
    },
  };
}
