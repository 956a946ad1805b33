import { checkDiscountCap } from '../discount-cap.ts';
import { discountCents } from '../earning.ts';
import { appendEntry } from '../ledger.ts';
import { blockingLock, lockExtra } from '../locks.ts';
import { availablePoints, debitWallet } from '../lots.ts';
import { checkRedemptionVelocity } from '../redemption-velocity.ts';
import { refuse } from '../result.ts';
import { eventsOf, pointsWalletUpdate, type Decision } from '../plan.ts';
import { ruleInForce, type TenantConfig } from '../tenant-config.ts';
import { settleTier } from '../tier-changes.ts';
import type { Account, RedemptionOrderRecord, RequestContext } from '../types.ts';

export interface RedeemRequest {
  accountId: string;
  points: number;
  orderId: string;
  /** The order subtotal: when given, the discount may not exceed the tier's cap on it. */
  subtotalCents?: number;
}

/**
 * One-shot redemption: debits unexpired lots in spend order for a discount. One redemption per
 * order (tenant, order id), whichever account or idempotency key: the order record is written
 * with the debit, and a second redemption of the order is refused naming the first. The
 * anti-fraud rules (redemption-velocity.ts) are counted on the account in the same write; the
 * REDEEM entry carries their counts as operator-only risk signals. With the order's subtotal,
 * the discount is capped by the tier in force (settled first: a period-end downgrade is
 * recorded with the redemption).
 */
export function decideRedeem(
  found: Account | undefined,
  existingOrder: RedemptionOrderRecord | undefined,
  request: RedeemRequest,
  config: TenantConfig,
  ctx: RequestContext,
): Decision {
  if (!found) return refuse('account_not_found', `Account ${request.accountId} does not exist`);
  const lock = blockingLock(found, 'redemption', ctx.now);
  if (lock) return refuse('account_locked', `Redemption is locked on this account (${lock.kind} lock)`, lockExtra(lock));
  if (existingOrder) {
    return refuse('duplicate_order', `Order ${existingOrder.orderId} has already redeemed points`, {
      transactionId: existingOrder.transactionId,
    });
  }
  const rule = ruleInForce(config, ctx.now);
  if (!rule) return refuse('no_rule_in_force', 'No redemption rules are in force');
  const { minPoints, pointsPerCent } = rule.redemption;
  if (request.points < minPoints) {
    return refuse('below_minimum_redemption', `The minimum redemption is ${minPoints} points`, { minimum: minPoints });
  }
  if (request.points % pointsPerCent !== 0) {
    return refuse('points_not_whole_cents', `points must be a multiple of ${pointsPerCent} (one cent of discount)`);
  }
  const settled = settleTier(found, config, ctx);
  const account = settled.account;
  const discount = discountCents(request.points, rule);
  if (request.subtotalCents !== undefined) {
    const aboveCap = checkDiscountCap(rule, account.tier, request.subtotalCents, discount);
    if (aboveCap) return aboveCap;
  }
  const before = account.wallets.points;
  if (before.debt > 0) {
    return refuse('negative_balance', 'The balance is negative: redemption is refused until the debt is paid', {
      available: 0,
    });
  }
  const available = availablePoints(before, ctx.now);
  if (available < request.points) {
    return refuse('insufficient_points', `Only ${available} points are available`, { available });
  }
  // Anti-fraud last: a request the other rules refuse anyway is not reported as velocity.
  const velocity = checkRedemptionVelocity(account, rule.redemption, ctx);
  if (!velocity.ok) return velocity;
  const debit = debitWallet(before, request.points, ctx.now, false);
  const { wallet, entry } = appendEntry(
    debit.wallet,
    before,
    {
      accountId: account.accountId,
      wallet: 'points',
      type: 'REDEEM',
      amount: -request.points,
      lots: debit.consumed,
      ruleVersion: rule.version,
      source: { type: 'redemption', orderId: request.orderId },
      risk: velocity.risk,
    },
    ctx,
  );
  const order: RedemptionOrderRecord = {
    tenantId: ctx.tenantId,
    sourceType: 'redemption',
    orderId: request.orderId,
    accountId: account.accountId,
    transactionId: ctx.transactionId,
    points: request.points,
    discountCents: discount,
    version: 1,
    createdBy: { namespace: ctx.idempotencyNamespace, key: ctx.idempotencyKey, at: ctx.now },
  };
  const update = pointsWalletUpdate(account, wallet, ctx.now);
  return {
    ok: true,
    accounts: [{ ...update, next: { ...update.next, redemptionWindow: velocity.window } }],
    entries: [entry],
    order: { next: order, expectedVersion: null },
    ...eventsOf(settled.events),
    result: {
      effect: 'created',
      body: {
        transactionId: ctx.transactionId,
        accountId: account.accountId,
        points: request.points,
        discountCents: discount,
        balance: wallet.balance,
      },
    },
  };
}
