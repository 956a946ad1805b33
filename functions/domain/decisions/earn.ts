import { purchasePricing } from '../earning.ts';
import { appendEntry } from '../ledger.ts';
import { blockingLock, lockExtra } from '../locks.ts';
import { creditWallet, pageMonth } from '../lots.ts';
import { refuse } from '../result.ts';
import { eventsOf, pointsWalletUpdate, type Decision } from '../plan.ts';
import { EVENT_FUTURE_SKEW_MS, ruleInForce, type ConfigVersion, type TenantConfig } from '../tenant-config.ts';
import { countEarn, settleTier } from '../tier-changes.ts';
import { expiryAfterDays, isExpired } from '../time.ts';
import type { Account, OrderRecord, PointType, RequestContext } from '../types.ts';

export type EarnSource =
  | { type: 'purchase'; orderId: string; subtotalCents: number }
  | { type: 'promotion'; campaignId: string; points: number; expiresInDays?: number }
  | { type: 'bonus'; campaignId: string; points: number };

export interface EarnRequest {
  accountId: string;
  source: EarnSource;
  occurredAt?: string;
}

/** How far `occurredAt` may lie from the server's clock. */
export const OCCURRED_AT_WINDOW = { futureSkewMs: EVENT_FUTURE_SKEW_MS, maxAgeMs: 90 * 86_400_000 };

/** How long the points of this source live, by the rule version; a string says why the request is out of range. */
function lifeDays(source: EarnSource, rule: ConfigVersion): number | string {
  const life = rule.earning.expiryDays;
  if (source.type === 'purchase') return life.purchase;
  if (source.type === 'bonus') return life.bonus;
  const days = source.expiresInDays ?? life.promotionDefault;
  const { promotionMin: min, promotionMax: max } = life;
  if (days < min || days > max) return `A promotion lives ${min} to ${max} days; got ${days}`;
  return days;
}

function priced(
  source: EarnSource,
  rule: ConfigVersion,
  account: Account,
  occurredAt: string,
): { points: number; type: PointType; days: number; promotionId?: string } | string {
  const days = lifeDays(source, rule);
  if (typeof days === 'string') return days;
  if (source.type === 'purchase')
    return { ...purchasePricing(source.subtotalCents, rule, account.tier, occurredAt), type: 'purchase', days };
  return { points: source.points, type: source.type, days };
}

/**
 * The lot page an earn at `now` will credit (the UTC month its points expire), so it is read
 * with the account in one round; undefined when the decision will refuse before crediting.
 */
export function earnPageMonth(request: EarnRequest, config: TenantConfig, now: string): string | undefined {
  const occurredAt = request.occurredAt ?? now;
  if (Number.isNaN(Date.parse(occurredAt))) return undefined;
  const rule = ruleInForce(config, occurredAt);
  const days = rule ? lifeDays(request.source, rule) : undefined;
  return typeof days === 'number' ? pageMonth(expiryAfterDays(occurredAt, days, config.timeZone)) : undefined;
}

/**
 * Credits points for a purchase (priced by the rule version in force at `occurredAt`, with the
 * promotion worth most to the member among those on at `occurredAt`; the entry names it) or a
 * promotion or bonus (explicit points). Purchases are unique by order id forever.
 *
 * Tiers: a purchase is priced with the tier in force when it is recorded (period-end downgrades
 * settled first, recorded as events); its qualifying points then count, and an upgrade they
 * reach applies from the next earn on (the entry's `pricing.tier` is the tier it was priced
 * with, so replay needs nothing else).
 */
export function decideEarn(
  found: Account | undefined,
  existingOrder: OrderRecord | undefined,
  request: EarnRequest,
  config: TenantConfig,
  ctx: RequestContext,
): Decision {
  if (!found) return refuse('account_not_found', `Account ${request.accountId} does not exist`);
  const lock = blockingLock(found, 'account', ctx.now);
  if (lock) {
    return refuse(
      'account_locked',
      'This account is locked (account lock): it earns nothing until the lock is lifted or ends',
      lockExtra(lock),
    );
  }
  const occurredAt = request.occurredAt ?? ctx.now;
  const skew = Date.parse(occurredAt) - Date.parse(ctx.now);
  if (skew > OCCURRED_AT_WINDOW.futureSkewMs || -skew > OCCURRED_AT_WINDOW.maxAgeMs) {
    return refuse('occurred_at_out_of_range', 'occurredAt must be within the last 90 days and not in the future');
  }
  if (existingOrder) {
    return refuse('duplicate_order', `Order ${existingOrder.orderId} has already earned points`, {
      transactionId: existingOrder.earnTransactionId,
    });
  }
  const rule = ruleInForce(config, occurredAt);
  if (!rule) return refuse('no_rule_in_force', 'No earning rules were in force at occurredAt');
  const settled = settleTier(found, config, ctx);
  const account = settled.account;
  const pricing = priced(request.source, rule, account, occurredAt);
  if (typeof pricing === 'string') return refuse('promotion_days_out_of_range', pricing);

  const expiresAt = expiryAfterDays(occurredAt, pricing.days, config.timeZone);
  // A backdated credit whose life has already ended would only pay debt with dead points.
  if (pricing.points > 0 && isExpired(expiresAt, ctx.now)) {
    return refuse('expired_on_arrival', `These points would have expired at ${expiresAt}, before they arrive`, { expiresAt });
  }
  const before = account.wallets.points;
  let wallet = before;
  const entries = [];
  if (pricing.points > 0) {
    const credit = creditWallet(before, { points: pricing.points, type: pricing.type, expiresAt, awardedAt: ctx.now });
    const appended = appendEntry(
      credit.wallet,
      before,
      {
        accountId: account.accountId,
        wallet: 'points',
        type: 'EARN',
        amount: pricing.points,
        lots: credit.movement ? [credit.movement] : [],
        ruleVersion: rule.version,
        ...(pricing.promotionId !== undefined ? { promotionId: pricing.promotionId } : {}),
        source: sourceFacts(request.source),
        ...(request.source.type === 'purchase' ? { pricing: { subtotalCents: request.source.subtotalCents, tier: account.tier } } : {}),
        occurredAt,
      },
      ctx,
    );
    wallet = appended.wallet;
    entries.push(appended.entry);
  }
  const counted = countEarn(
    account,
    { source: request.source.type, points: pricing.points, occurredAt, entrySeq: wallet.seq },
    config,
    ctx,
  );
  const order: OrderRecord | undefined =
    request.source.type === 'purchase'
      ? {
          tenantId: ctx.tenantId,
          sourceType: 'purchase',
          orderId: request.source.orderId,
          accountId: account.accountId,
          earnTransactionId: ctx.transactionId,
          earnedPoints: pricing.points,
          reversedPoints: 0,
          version: 1,
          ...(counted.month !== undefined ? { qualifyingMonth: counted.month } : {}),
          createdBy: { namespace: ctx.idempotencyNamespace, key: ctx.idempotencyKey, at: ctx.now },
        }
      : undefined;
  return {
    ok: true,
    accounts: [pointsWalletUpdate(counted.account, wallet, ctx.now)],
    entries,
    ...(order ? { order: { next: order, expectedVersion: null } } : {}),
    ...eventsOf([...settled.events, ...counted.events]),
    result: {
      effect: 'created',
      body: {
        transactionId: ctx.transactionId,
        accountId: account.accountId,
        points: pricing.points,
        balance: wallet.balance,
        ruleVersion: rule.version,
        ...(pricing.promotionId !== undefined ? { promotionId: pricing.promotionId } : {}),
      },
    },
  };
}

function sourceFacts(source: EarnSource) {
  return source.type === 'purchase' ? { type: source.type, orderId: source.orderId } : { type: source.type, campaignId: source.campaignId };
}
