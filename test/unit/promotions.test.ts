import { describe, expect, it } from 'vitest';
import { decideEarn } from '../../functions/domain/decisions/earn.ts';
import { purchasePricing } from '../../functions/domain/earning.ts';
import { verifyChain } from '../../functions/domain/hash-chain.ts';
import type { Decision } from '../../functions/domain/plan.ts';
import { defaultRuleVersion, defaultTenantConfig, type ConfigVersion, type Promotion } from '../../functions/domain/tenant-config.ts';
import { PutTenantConfigBody } from '../../schemas/tenant-config.ts';
import { account, ctx as fixtureCtx } from '../support/domain-fixtures.ts';

/**
 * Promotions (SPEC section 2): of those on at the event's occurredAt for the account's tier,
 * the one worth most to the member wins; ties by earliest window end, then id. Windows are
 * from inclusive, to exclusive.
 */
const FROM = '2026-06-01T00:00:00.000Z';
const TO = '2026-06-08T00:00:00.000Z';
const LATER = '2026-06-15T00:00:00.000Z';
const IN = '2026-06-03T12:00:00.000Z';

const promo = (id: string, change: Partial<Promotion>): Promotion => ({ id, window: { from: FROM, to: TO }, ...change });

function ruleWith(promotions: Promotion[], goldMultiplier = 1): ConfigVersion {
  const rule = defaultRuleVersion('2020-01-01T00:00:00.000Z');
  return {
    ...rule,
    earning: { ...rule.earning, promotions },
    tiers: rule.tiers.map((t) => (t.name === 'VIP Gold' ? { ...t, multiplier: goldMultiplier } : t)),
  };
}

// 100.00 USD at 12 points per USD: 1200 points before any promotion.
const CENTS = 10_000;

describe('precedence: the promotion worth most to the member wins', () => {
  const cases: [string, Promotion[], { points: number; promotionId?: string }][] = [
    ['no promotions: the purchase alone', [], { points: 1200 }],
    ['one multiplier', [promo('double', { multiplier: 2 })], { points: 2400, promotionId: 'double' }],
    ['one fixed bonus', [promo('plus500', { bonusPoints: 500 })], { points: 1700, promotionId: 'plus500' }],
    [
      'a multiplier worth more than a bonus',
      [promo('plus500', { bonusPoints: 500 }), promo('double', { multiplier: 2 })],
      { points: 2400, promotionId: 'double' },
    ],
    [
      'a bonus worth more than a multiplier',
      [promo('x1.25', { multiplier: 1.25 }), promo('plus500', { bonusPoints: 500 })],
      { points: 1700, promotionId: 'plus500' },
    ],
    [
      'the larger of two multipliers, whatever the order',
      [promo('triple', { multiplier: 3 }), promo('double', { multiplier: 2 })],
      { points: 3600, promotionId: 'triple' },
    ],
    [
      'equal worth: the earlier window end wins over a lower id',
      [promo('a-late', { bonusPoints: 1200, window: { from: FROM, to: LATER } }), promo('z-early', { multiplier: 2 })],
      { points: 2400, promotionId: 'z-early' },
    ],
    [
      'equal worth: the earlier window end wins, listed either way',
      [promo('z-early', { multiplier: 2 }), promo('a-late', { bonusPoints: 1200, window: { from: FROM, to: LATER } })],
      { points: 2400, promotionId: 'z-early' },
    ],
    [
      'equal worth and end: the lower id wins',
      [promo('b', { bonusPoints: 1200 }), promo('a', { multiplier: 2 })],
      { points: 2400, promotionId: 'a' },
    ],
    [
      'ids compare by code unit (upper case before lower)',
      [promo('b', { bonusPoints: 100 }), promo('B', { bonusPoints: 100 })],
      { points: 1300, promotionId: 'B' },
    ],
    [
      'a worthier promotion out of its window does not count',
      [promo('past', { multiplier: 5, window: { from: '2026-05-01T00:00:00.000Z', to: FROM } }), promo('now', { bonusPoints: 1 })],
      { points: 1201, promotionId: 'now' },
    ],
  ];
  for (const [name, promotions, expected] of cases) {
    it(name, () => expect(purchasePricing(CENTS, ruleWith(promotions), 'Guest', IN)).toEqual(expected));
  }

  it('a multiplier rounds down once, after the tier multiplier', () => {
    // 10.99 USD: 131.88 points; Gold 1.5x: 197.82; promotion 1.5x: 296.73 → 296 (not 131 → 196 → 294).
    const rule = ruleWith([promo('x1.5', { multiplier: 1.5 })], 1.5);
    expect(purchasePricing(1_099, rule, 'VIP Gold', IN)).toEqual({ points: 296, promotionId: 'x1.5' });
  });

  it('a fixed bonus adds to the tier-multiplied points', () => {
    expect(purchasePricing(CENTS, ruleWith([promo('plus', { bonusPoints: 100 })], 2), 'VIP Gold', IN)).toEqual({
      points: 2500,
      promotionId: 'plus',
    });
  });

  it('a multiplier on a purchase earning nothing adds nothing, so it is not applied; a bonus still is', () => {
    expect(purchasePricing(0, ruleWith([promo('double', { multiplier: 2 })]), 'Guest', IN)).toEqual({ points: 0 });
    expect(purchasePricing(0, ruleWith([promo('double', { multiplier: 2 }), promo('plus', { bonusPoints: 50 })]), 'Guest', IN)).toEqual({
      points: 50,
      promotionId: 'plus',
    });
  });

  it('stays exact at the largest inputs accepted', () => {
    const rule = ruleWith([promo('x10', { multiplier: 10 })], 10);
    const big = { ...rule, earning: { ...rule.earning, purchasePointsPerUsd: 1000 } };
    // 1e9 cents at 1000 per USD, 10x tier, 10x promotion: 1e12 points, past 2^53 in the intermediate product.
    expect(purchasePricing(1_000_000_000, big, 'VIP Gold', IN)).toEqual({ points: 1_000_000_000_000, promotionId: 'x10' });
    expect(purchasePricing(999_999_999, big, 'VIP Gold', IN).points).toBe(999_999_999_000);
  });
});

describe('window boundaries: from inclusive, to exclusive', () => {
  const rule = ruleWith([promo('double', { multiplier: 2 })]);
  const ms = (iso: string, delta: number) => new Date(Date.parse(iso) + delta).toISOString();
  const cases: [string, string, number][] = [
    ['a millisecond before from: not on', ms(FROM, -1), 1200],
    ['exactly at from: on', FROM, 2400],
    ['inside', IN, 2400],
    ['a millisecond before to: on', ms(TO, -1), 2400],
    ['exactly at to: over', TO, 1200],
  ];
  for (const [name, at, points] of cases) it(name, () => expect(purchasePricing(CENTS, rule, 'Guest', at).points).toBe(points));

  it('a window given with an offset is the same instant', () => {
    const offset = ruleWith([promo('double', { multiplier: 2, window: { from: '2026-06-01T02:00:00+02:00', to: TO } })]);
    expect(purchasePricing(CENTS, offset, 'Guest', ms(FROM, -1)).points).toBe(1200);
    expect(purchasePricing(CENTS, offset, 'Guest', FROM).points).toBe(2400);
  });
});

describe('tier eligibility', () => {
  const rule = ruleWith([
    promo('gold-triple', { multiplier: 3, tiers: ['VIP Gold'] }),
    promo('vip-double', { multiplier: 2, tiers: ['VIP Bronze', 'VIP Silver', 'VIP Gold'] }),
    promo('everyone', { bonusPoints: 100 }),
  ]);
  const cases: [string, { points: number; promotionId?: string }][] = [
    ['Guest', { points: 1300, promotionId: 'everyone' }],
    ['Member', { points: 1300, promotionId: 'everyone' }],
    ['VIP Silver', { points: 2400, promotionId: 'vip-double' }],
    ['VIP Gold', { points: 3600, promotionId: 'gold-triple' }],
    ['a tier the version does not list: only promotions for every tier', { points: 1300, promotionId: 'everyone' }],
  ];
  for (const [tier, expected] of cases) it(tier, () => expect(purchasePricing(CENTS, rule, tier, IN)).toEqual(expected));

  it('no promotion for the tier: the purchase alone', () => {
    expect(purchasePricing(CENTS, ruleWith([promo('gold', { bonusPoints: 5, tiers: ['VIP Gold'] })]), 'Guest', IN)).toEqual({
      points: 1200,
    });
  });
});

/** The server's clock during the window's first week: events in it are neither future nor stale. */
const NOW = '2026-06-04T00:00:00.000Z';
const ctx = () => fixtureCtx({ now: NOW });

function ok(decision: Decision) {
  if (!decision.ok) throw new Error(`refused: ${decision.code}`);
  return decision;
}

describe('decideEarn with promotions', () => {
  const base = defaultTenantConfig('t1', 'Tenant one', '2020-01-01T00:00:00.000Z');
  const rule = base.versions[0]!;
  const withPromo = {
    ...base,
    versions: [{ ...rule, earning: { ...rule.earning, promotions: [promo('double', { multiplier: 2, window: { from: FROM, to: TO } })] } }],
  };
  const purchase = (orderId: string, occurredAt?: string) => ({
    accountId: 'a1',
    source: { type: 'purchase' as const, orderId, subtotalCents: CENTS },
    ...(occurredAt ? { occurredAt } : {}),
  });

  it('prices by occurredAt, names the promotion on the entry and the answer, and the entry is hashed with it', () => {
    const decision = ok(decideEarn(account(), undefined, purchase('o1', IN), withPromo, ctx()));
    expect(decision.result.body).toMatchObject({ points: 2400, promotionId: 'double', ruleVersion: 1 });
    const [entry] = decision.entries;
    expect(entry).toMatchObject({ amount: 2400, promotionId: 'double', ruleVersion: 1, occurredAt: IN });
    expect(verifyChain([entry!])).toBeUndefined();
    // The promotion id is covered by the hash: changing it breaks the chain.
    expect(verifyChain([{ ...entry!, promotionId: 'other' }])).toMatchObject({ reason: 'hash_mismatch' });
    expect(decision.order?.next).toMatchObject({ earnedPoints: 2400 });
  });

  it('an event outside the window earns the plain points and names no promotion', () => {
    // The request arrives inside the window: occurredAt is what counts.
    expect(NOW >= FROM && NOW < TO).toBe(true);
    const decision = ok(decideEarn(account(), undefined, purchase('o2', '2026-05-31T23:59:59.999Z'), withPromo, ctx()));
    expect(decision.result.body).toMatchObject({ points: 1200 });
    expect(decision.result.body).not.toHaveProperty('promotionId');
    expect(decision.entries[0]).not.toHaveProperty('promotionId');
  });

  it('promotions apply to purchases only, not to promotion or bonus credits', () => {
    const bonus = { accountId: 'a1', source: { type: 'bonus' as const, campaignId: 'c', points: 100 }, occurredAt: IN };
    const decision = ok(decideEarn(account(), undefined, bonus, withPromo, ctx()));
    expect(decision.result.body).toMatchObject({ points: 100 });
    expect(decision.entries[0]).not.toHaveProperty('promotionId');
  });

  it('is deterministic: the same event and version give the same decision', () => {
    const request = purchase('o3', IN);
    expect(decideEarn(account(), undefined, request, withPromo, ctx())).toEqual(
      decideEarn(account(), undefined, request, withPromo, ctx()),
    );
  });
});

describe('the promotions schema', () => {
  const valid = { id: 'summer-2x', window: { from: FROM, to: TO }, multiplier: 2 };
  const parse = (promotions: unknown) => PutTenantConfigBody.safeParse({ earning: { promotions } }).success;

  it('accepts a multiplier, a fixed bonus, tiers, and an empty list', () => {
    expect(parse([valid, { id: 'gold-bonus', window: { from: FROM, to: TO }, bonusPoints: 500, tiers: ['VIP Gold'] }])).toBe(true);
    expect(parse([])).toBe(true);
  });

  const invalid: [string, unknown][] = [
    ['both a multiplier and a bonus', [{ ...valid, bonusPoints: 5 }]],
    ['neither', [{ id: 'x', window: valid.window }]],
    ['a multiplier of 1 (adds nothing)', [{ ...valid, multiplier: 1 }]],
    ['a multiplier above 10', [{ ...valid, multiplier: 10.5 }]],
    ['a multiplier with 5 decimals', [{ ...valid, multiplier: 1.00001 }]],
    ['a zero bonus', [{ id: 'x', window: valid.window, bonusPoints: 0 }]],
    ['a fractional bonus', [{ id: 'x', window: valid.window, bonusPoints: 1.5 }]],
    ['a window ending where it starts', [{ ...valid, window: { from: FROM, to: FROM } }]],
    ['a window ending before it starts', [{ ...valid, window: { from: TO, to: FROM } }]],
    ['a window that is not instants', [{ ...valid, window: { from: 'June', to: TO } }]],
    ['an empty tier list', [{ ...valid, tiers: [] }]],
    ['a tier twice', [{ ...valid, tiers: ['Guest', 'Guest'] }]],
    ['an id with spaces', [{ ...valid, id: 'a b' }]],
    ['an empty id', [{ ...valid, id: '' }]],
    ['two promotions with one id', [valid, { ...valid, multiplier: 3 }]],
    ['an unknown member', [{ ...valid, stackable: true }]],
    ['more than 50', Array.from({ length: 51 }, (_, i) => ({ ...valid, id: `p${i}` }))],
  ];
  for (const [name, promotions] of invalid) it(`refuses ${name}`, () => expect(parse(promotions)).toBe(false));

  it('takes 50', () => expect(parse(Array.from({ length: 50 }, (_, i) => ({ ...valid, id: `p${i}` })))).toBe(true));
});
