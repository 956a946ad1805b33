import { isLive } from '../holds.ts';
import { blockingLock, lockExtra } from '../locks.ts';
import { availablePoints } from '../lots.ts';
import { checkRedemptionVelocity, type RedemptionRisk, type RedemptionWindow } from '../redemption-velocity.ts';
import { refuse, type Refusal } from '../result.ts';
import { ruleInForce, type ConfigVersion, type TenantConfig } from '../tenant-config.ts';
import { checkDiscountCap } from '../discount-cap.ts';
import { discountCents } from '../earning.ts';
import { settleTier } from '../tier-changes.ts';
import type { Account, AccountEvent, RedemptionOrderRecord, RequestContext } from '../types.ts';

export interface RedemptionRequest {
  accountId: string;
  points: number;
  orderId: string;
  /** The order subtotal: when given, the discount may not exceed the tier's cap on it (discount-cap.ts). */
  subtotalCents?: number;
}

/**
 * Whether an order already has a redemption standing: a one-shot one, a committed hold, or a
 * live hold. A hold released or past its end frees its order.
 */
export function orderTaken(order: RedemptionOrderRecord | undefined, now: string): boolean {
  if (!order) return false;
  if (!order.hold) return true;
  return order.hold.status === 'committed' || (order.hold.status === 'held' && isLive(order.hold, now));
}

/** The points' figures a redemption must meet under a rule: the minimum, and whole cents of discount. */
export function checkRedemptionFigures(points: number, rule: ConfigVersion): Refusal | undefined {
  const { minPoints, pointsPerCent } = rule.redemption;
  if (points < minPoints) {
    return refuse('below_minimum_redemption', `The minimum redemption is ${minPoints} points`, { minimum: minPoints });
  }
  if (points % pointsPerCent !== 0) {
    return refuse('points_not_whole_cents', `points must be a multiple of ${pointsPerCent} (one cent of discount)`);
  }
  return undefined;
}

/**
 * The rules a one-shot redemption and a hold both meet, in the order a partner is told of them:
 * the account, its redemption lock, the order's uniqueness, the rule in force and its figures,
 * the tier's discount cap (when the subtotal is given), debt, available points, and the anti-fraud rules last (a request the other rules refuse
 * anyway is not reported as velocity). What passes comes with the rule and the counters to write.
 */
export function checkRedemption(
  found: Account | undefined,
  existingOrder: RedemptionOrderRecord | undefined,
  request: RedemptionRequest,
  config: TenantConfig,
  ctx: RequestContext,
):
  | Refusal
  | { ok: true; account: Account; rule: ConfigVersion; window: RedemptionWindow; risk: RedemptionRisk; tierEvents: AccountEvent[] } {
  if (!found) return refuse('account_not_found', `Account ${request.accountId} does not exist`);
  const lock = blockingLock(found, 'redemption', ctx.now);
  if (lock) return refuse('account_locked', `Redemption is locked on this account (${lock.kind} lock)`, lockExtra(lock));
  if (existingOrder && orderTaken(existingOrder, ctx.now)) {
    return refuse('duplicate_order', `Order ${existingOrder.orderId} has already redeemed points`, {
      transactionId: existingOrder.transactionId,
      ...(existingOrder.hold ? { redemptionId: existingOrder.hold.redemptionId } : {}),
    });
  }
  const rule = ruleInForce(config, ctx.now);
  if (!rule) return refuse('no_rule_in_force', 'No redemption rules are in force');
  const figures = checkRedemptionFigures(request.points, rule);
  if (figures) return figures;
  // The tier in force (a period end may have passed since the last write) prices the cap, and its change is recorded with this write.
  const settled = settleTier(found, config, ctx);
  const account = settled.account;
  if (request.subtotalCents !== undefined) {
    const aboveCap = checkDiscountCap(rule, account.tier, request.subtotalCents, discountCents(request.points, rule));
    if (aboveCap) return aboveCap;
  }
  const wallet = account.wallets.points;
  if (wallet.debt > 0) {
    return refuse('negative_balance', 'The balance is negative: redemption is refused until the debt is paid', {
      available: 0,
    });
  }
  const available = availablePoints(wallet, ctx.now);
  if (available < request.points) {
    return refuse('insufficient_points', `Only ${available} points are available`, { available });
  }
  const velocity = checkRedemptionVelocity(account, rule.redemption, ctx);
  if (!velocity.ok) return velocity;
  return { ok: true, account, rule, window: velocity.window, risk: velocity.risk, tierEvents: settled.events };
}

/**
 * The order record a redemption writes, one-shot or held (`hold`), and its guard: a released or
 * expired hold's order is taken over, conditioned on the version read.
 */
export function redemptionOrderWrite(
  existingOrder: RedemptionOrderRecord | undefined,
  facts: { accountId: string; orderId: string; points: number; discountCents: number; hold?: RedemptionOrderRecord['hold'] },
  ctx: RequestContext,
): { next: RedemptionOrderRecord; expectedVersion: number | null } {
  return {
    next: {
      tenantId: ctx.tenantId,
      sourceType: 'redemption',
      orderId: facts.orderId,
      accountId: facts.accountId,
      transactionId: ctx.transactionId,
      points: facts.points,
      discountCents: facts.discountCents,
      version: (existingOrder?.version ?? 0) + 1,
      createdBy: { namespace: ctx.idempotencyNamespace, key: ctx.idempotencyKey, at: ctx.now },
      ...(facts.hold ? { hold: facts.hold } : {}),
    },
    expectedVersion: existingOrder?.version ?? null,
  };
}
