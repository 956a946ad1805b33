import fc from 'fast-check';
import { DAY_MS } from './calendar.ts';
import { RULES, type ModelRequest } from './reference-ledger.ts';

/** The ids one run plays with: few, so requests collide on accounts and orders. */
export interface Pools {
  accountIds: string[];
  orderIds: string[];
  /** The instant the run's `occurredAt` values count back from. */
  t0: number;
  /** Purchases small enough to earn 0 points (no ledger entry) are left out when false. */
  zeroPointPurchases: boolean;
}

/**
 * `occurredAt` `ageDays` before t0, nudged so the lot's expiry day never falls within two days
 * of t0's: such a lot would expire (or not) depending on when in the run it is looked at.
 */
export function occurredAtFor(t0: number, ageDays: number, lifeDays: number): string {
  const gap = lifeDays - ageDays;
  const age = gap >= -2 && gap <= 2 ? ageDays + 5 : ageDays;
  return new Date(t0 - age * DAY_MS).toISOString();
}

/**
 * An order id and, mostly, the account it belongs to (order k to account k mod n), so that
 * reversals usually name an order their account earned; sometimes any account, to collide.
 */
function orderOnAccount(pools: Pools): fc.Arbitrary<{ orderId: string; accountId: string }> {
  return fc
    .record({ order: fc.nat({ max: pools.orderIds.length - 1 }), owner: fc.boolean(), other: fc.constantFrom(...pools.accountIds) })
    .map(({ order, owner, other }) => ({
      orderId: pools.orderIds[order]!,
      accountId: owner ? pools.accountIds[order % pools.accountIds.length]! : other,
    }));
}

/**
 * Mostly recent events, sometimes up to 80 days back (the API accepts 90): old enough that a
 * promotion can be expired on arrival (refused with expired_on_arrival).
 */
const ageDays = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20 }), weight: 3 }, fc.integer({ min: 21, max: 80 }));

export function putAccountArb(pools: Pools): fc.Arbitrary<ModelRequest> {
  return fc
    .record({
      accountId: fc.constantFrom(...pools.accountIds),
      profileSuffix: fc.constantFrom('a', 'b'),
      verification: fc.option(fc.record({ email: fc.boolean(), phone: fc.boolean(), enhanced: fc.boolean() }, { requiredKeys: [] }), {
        nil: undefined,
      }),
      // 'Platinum' is not one of the tenant's tiers: a refusal.
      tier: fc.option(fc.constantFrom(...RULES.tiers, 'Platinum'), { nil: undefined, freq: 2 }),
    })
    .map(({ accountId, profileSuffix, verification, tier }) => ({
      kind: 'putAccount' as const,
      accountId,
      body: {
        profile: { profileId: `p-${accountId}-${profileSuffix}`, role: 'CONSUMER' as const },
        ...(verification ? { verification } : {}),
        ...(tier ? { tier } : {}),
      },
    }));
}

export function purchaseArb(pools: Pools): fc.Arbitrary<ModelRequest> {
  const subtotal = pools.zeroPointPurchases
    ? fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20 }), weight: 1 }, { arbitrary: fc.integer({ min: 100, max: 150_000 }), weight: 6 })
    : fc.integer({ min: 100, max: 150_000 });
  return fc
    .record({ target: orderOnAccount(pools), subtotalCents: subtotal, ageDays })
    .map(({ target: { accountId, orderId }, subtotalCents, ageDays: age }) => ({
      kind: 'earn' as const,
      body: {
        accountId,
        source: { type: 'purchase' as const, orderId, subtotalCents },
        occurredAt: occurredAtFor(pools.t0, age, RULES.expiryDays.purchase),
      },
    }));
}

export function campaignArb(pools: Pools): fc.Arbitrary<ModelRequest> {
  return fc
    .record({
      accountId: fc.constantFrom(...pools.accountIds),
      type: fc.constantFrom('promotion' as const, 'bonus' as const),
      campaignId: fc.constantFrom('spring', 'welcome', 'stream-night'),
      points: fc.integer({ min: 1, max: 20_000 }),
      // Mostly valid promotion lives (30 to 90 days), sometimes outside them: a refusal.
      expiresInDays: fc.option(fc.oneof({ arbitrary: fc.integer({ min: 30, max: 90 }), weight: 5 }, fc.constantFrom(7, 29, 91, 400)), {
        nil: undefined,
      }),
      ageDays,
    })
    .map(({ accountId, type, campaignId, points, expiresInDays, ageDays: age }) => {
      const life = type === 'bonus' ? RULES.expiryDays.bonus : (expiresInDays ?? RULES.expiryDays.promotionDefault);
      return {
        kind: 'earn' as const,
        body: {
          accountId,
          // Only a promotion takes its own expiry; a bonus with one is a schema refusal.
          source:
            type === 'promotion'
              ? { type, campaignId, points, ...(expiresInDays !== undefined ? { expiresInDays } : {}) }
              : { type, campaignId, points },
          occurredAt: occurredAtFor(pools.t0, age, life),
        },
      };
    });
}

export function redeemArb(pools: Pools): fc.Arbitrary<ModelRequest> {
  const points = fc.oneof(
    { arbitrary: fc.integer({ min: 500, max: 1500 }).map((tens) => tens * 10), weight: 8 },
    // Below the minimum, or not whole cents: refusals.
    { arbitrary: fc.integer({ min: 1, max: 4999 }), weight: 1 },
    { arbitrary: fc.integer({ min: 5001, max: 40_000 }), weight: 1 },
  );
  return (
    fc
      // Mostly a fresh checkout; sometimes one of a few, so a second redemption of an order (any account) is 409.
      .record({
        accountId: fc.constantFrom(...pools.accountIds),
        points,
        checkout: fc.oneof({ arbitrary: fc.nat({ max: 9999 }), weight: 4 }, { arbitrary: fc.nat({ max: 2 }), weight: 1 }),
      })
      .map(({ accountId, points: p, checkout }) => ({
        kind: 'redeem' as const,
        body: { accountId, points: p, orderId: `checkout-${checkout}` },
      }))
  );
}

export function reversalArb(pools: Pools): fc.Arbitrary<ModelRequest> {
  return fc
    .record({
      // Sometimes an order that never earned anything: not found.
      target: fc.oneof(
        { arbitrary: orderOnAccount(pools), weight: 6 },
        fc.constantFrom(...pools.accountIds).map((accountId) => ({ accountId, orderId: 'never-earned' })),
      ),
      points: fc.option(fc.integer({ min: 1, max: 2500 }), { nil: undefined }),
      reason: fc.option(fc.constantFrom('refund' as const, 'chargeback' as const), { nil: undefined }),
    })
    .map(({ target: { accountId, orderId }, points, reason }) => ({
      kind: 'reverse' as const,
      body: { accountId, orderId, ...(points !== undefined ? { points } : {}), ...(reason ? { reason } : {}) },
    }));
}

/** Any mutating request, weighted toward the ones that move points. */
export function mutatingRequestArb(pools: Pools): fc.Arbitrary<ModelRequest> {
  return fc.oneof(
    { arbitrary: putAccountArb(pools), weight: 2 },
    { arbitrary: purchaseArb(pools), weight: 4 },
    { arbitrary: campaignArb(pools), weight: 3 },
    { arbitrary: redeemArb(pools), weight: 4 },
    { arbitrary: reversalArb(pools), weight: 3 },
  );
}
