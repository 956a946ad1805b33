import { describe, expect, it } from 'vitest';
import { decideAccountUpsert } from '../../functions/domain/decisions/account-upsert.ts';
import { decideEarn, type EarnRequest } from '../../functions/domain/decisions/earn.ts';
import { decideRedeem } from '../../functions/domain/decisions/redeem.ts';
import { decideReversal } from '../../functions/domain/decisions/reversal.ts';
import { discountCap } from '../../functions/domain/discount-cap.ts';
import type { Decision } from '../../functions/domain/plan.ts';
import type { Account, OrderRecord } from '../../functions/domain/types.ts';
import { account, config as plainConfig, ctx, NOW } from '../support/domain-fixtures.ts';
import { tieredConfig } from '../support/tier-fixtures.ts';

/** Tier qualification through the decisions: what each write records, in its own plan. */

const config = tieredConfig({ sources: ['purchase', 'bonus'] });

function ok(decision: Decision) {
  if (!decision.ok) throw new Error(`expected a plan, got ${decision.code}: ${decision.detail}`);
  return decision;
}

let orders = 0;
const purchase = (subtotalCents: number, occurredAt?: string): EarnRequest => ({
  accountId: 'a1',
  source: { type: 'purchase', orderId: `o${++orders}`, subtotalCents },
  ...(occurredAt ? { occurredAt } : {}),
});
const bonus = (points: number): EarnRequest => ({ accountId: 'a1', source: { type: 'bonus', campaignId: 'c', points } });

describe('earning: upgrade at once', () => {
  it('the earn that reaches a threshold moves the tier up in its own plan, priced itself with the tier before', () => {
    const plan = ok(decideEarn(account(), undefined, purchase(10_000), config, ctx()));
    expect(plan.result.body).toMatchObject({ points: 1200 });
    expect(plan.entries[0]!.pricing).toEqual({ subtotalCents: 10_000, tier: 'Guest' });
    const next = plan.accounts[0]!.next;
    expect(next.tier).toBe('Member');
    expect(next.tierStatus).toEqual({ settledAt: NOW, floor: 'Guest', earned: { '2026-06': 1200 } });
    expect((plan.order!.next as OrderRecord).qualifyingMonth).toBe('2026-06');
    expect(plan.events).toEqual([
      expect.objectContaining({
        type: 'tier.changed',
        eventId: `tx-1:tier:qualification:${NOW}`,
        pointsSeq: 1,
        at: NOW,
        actor: { kind: 'system', id: 'tier-qualification' },
        requestId: 'req-1',
        tier: { from: 'Guest', to: 'Member', cause: 'qualification', effectiveAt: NOW, qualifyingPoints: 1200 },
      }),
    ]);
    // The next earn is priced with the new tier: 1.5x.
    const second = ok(decideEarn(next, undefined, purchase(10_000), config, ctx({ transactionId: 'tx-2' })));
    expect(second.result.body).toMatchObject({ points: 1800 });
    expect(second.entries[0]!.pricing?.tier).toBe('Member');
  });

  it.each([
    [999, 'Guest'],
    [1000, 'Member'],
    [5000, 'VIP Bronze'],
    [25_000, 'VIP Gold'],
  ])('%i qualifying points in one earn leave the account %s', (points, tier) => {
    const plan = ok(decideEarn(account(), undefined, bonus(points), config, ctx()));
    expect(plan.accounts[0]!.next.tier).toBe(tier);
    expect(plan.events ?? []).toHaveLength(tier === 'Guest' ? 0 : 1);
  });

  it('adds to the window: 900 then 100 crosses Member on the second earn', () => {
    const first = ok(decideEarn(account(), undefined, bonus(900), config, ctx())).accounts[0]!.next;
    expect(first.tier).toBe('Guest');
    const second = ok(decideEarn(first, undefined, bonus(100), config, ctx({ transactionId: 'tx-2' })));
    expect(second.accounts[0]!.next.tier).toBe('Member');
    expect(second.events?.[0]).toMatchObject({ pointsSeq: 2, tier: { qualifyingPoints: 1000 } });
  });

  it('counts only the configured sources', () => {
    const plan = ok(decideEarn(account(), undefined, bonus(50_000), tieredConfig(), ctx()));
    expect(plan.accounts[0]!.next).toMatchObject({ tier: 'Guest', tierStatus: { settledAt: NOW, floor: 'Guest' } });
    expect(plan.accounts[0]!.next.tierStatus).not.toHaveProperty('earned');
    expect(plan).not.toHaveProperty('events');
  });

  it('counts a backdated earn in its own month, and not at all once that month has left the window', () => {
    const oneMonth = tieredConfig({ windowMonths: 1 });
    const lastMonth = ok(decideEarn(account(), undefined, purchase(100_000, '2026-05-20T00:00:00.000Z'), oneMonth, ctx()));
    expect(lastMonth.accounts[0]!.next).toMatchObject({ tier: 'Guest' });
    expect(lastMonth.order?.next).not.toHaveProperty('qualifyingMonth');
    const twelve = ok(decideEarn(account(), undefined, purchase(100_000, '2026-05-20T00:00:00.000Z'), config, ctx()));
    expect(twelve.accounts[0]!.next.tierStatus?.earned).toEqual({ '2026-05': 12_000 });
    expect(twelve.accounts[0]!.next.tier).toBe('VIP Bronze');
  });

  it('leaves accounts as they were while qualification is off (no tier status, no event)', () => {
    const plan = ok(decideEarn(account(), undefined, purchase(1_000_000), plainConfig, ctx()));
    expect(plan.accounts[0]!.next.tier).toBe('Guest');
    expect(plan.accounts[0]!.next).not.toHaveProperty('tierStatus');
    expect(plan).not.toHaveProperty('events');
  });
});

describe('period ends: recorded by the next write', () => {
  // Gold, settled in March on points earned in January 2025: the window lets go of them at the start of February 2026.
  const gold = (): Account =>
    account({
      tier: 'VIP Gold',
      tierStatus: { settledAt: '2025-03-10T00:00:00.000Z', floor: 'Guest', earned: { '2025-01': 25_000 } },
    });

  it('an earn after the period end records the downgrade (effective at the period end) and is priced with the tier in force', () => {
    const plan = ok(decideEarn(gold(), undefined, purchase(10_000), config, ctx()));
    expect(plan.entries[0]!.pricing?.tier).toBe('Guest');
    expect(plan.events).toEqual([
      expect.objectContaining({
        type: 'tier.changed',
        pointsSeq: 0,
        tier: { from: 'VIP Gold', to: 'Guest', cause: 'period_end', effectiveAt: '2026-02-01T00:00:00.000Z', qualifyingPoints: 0 },
      }),
      expect.objectContaining({ pointsSeq: 1, tier: expect.objectContaining({ from: 'Guest', to: 'Member', cause: 'qualification' }) }),
    ]);
    // Buckets outside the window are gone: the item does not grow with the account's age.
    expect(plan.accounts[0]!.next.tierStatus).toEqual({ settledAt: NOW, floor: 'Guest', earned: { '2026-06': 1200 } });
  });

  it('a redemption records it too, and the cap is the tier in force', () => {
    const rich = ok(decideEarn(account(), undefined, bonus(100_000), plainConfig, ctx())).accounts[0]!.next;
    const settledGold = { ...rich, tier: 'VIP Gold', tierStatus: gold().tierStatus! };
    const plan = ok(
      decideRedeem(settledGold, undefined, { accountId: 'a1', points: 9000, orderId: 'r1', subtotalCents: 1000 }, config, ctx()),
    );
    // Gold would cap 1000 cents at 20% (200 cents); Guest, in force since February, allows 100%.
    expect(plan.result.body).toMatchObject({ discountCents: 900 });
    expect(plan.events).toEqual([expect.objectContaining({ tier: expect.objectContaining({ from: 'VIP Gold', to: 'Guest' }) })]);
  });

  it('a reversal settles first, then takes the points out of the bucket they counted in, with no downgrade until the period end', () => {
    const member = ok(decideEarn(account(), undefined, purchase(10_000), config, ctx()));
    const order = member.order!.next as OrderRecord;
    const plan = ok(decideReversal(member.accounts[0]!.next, order, { accountId: 'a1', orderId: order.orderId }, config, ctx()));
    expect(plan.accounts[0]!.next.tier).toBe('Member');
    expect(plan.accounts[0]!.next.tierStatus).toEqual({ settledAt: NOW, floor: 'Guest' });
    expect(plan).not.toHaveProperty('events');
  });
});

describe('partner-set tier', () => {
  it('applies at once, up or down, records a partner event, and is the floor of period-end downgrades', () => {
    const profile = { profileId: 'p1', role: 'CONSUMER' as const };
    const up = ok(decideAccountUpsert(account(), { accountId: 'a1', profile, tier: 'VIP Bronze' }, config, ctx()));
    expect(up.accounts[0]!.next).toMatchObject({ tier: 'VIP Bronze', tierStatus: { floor: 'VIP Bronze' } });
    expect(up.events).toEqual([
      expect.objectContaining({
        type: 'tier.changed',
        actor: { kind: 'partner', id: 'key_1' },
        tier: { from: 'Guest', to: 'VIP Bronze', cause: 'partner', effectiveAt: NOW },
      }),
    ]);
    // Qualification may lift it above the floor; a period end with nothing earned brings it back to the floor, not below.
    const gold = ok(decideEarn(up.accounts[0]!.next, undefined, bonus(20_000), config, ctx())).accounts[0]!.next;
    expect(gold.tier).toBe('VIP Gold');
    const later = ok(decideEarn(gold, undefined, bonus(1), config, ctx({ now: '2028-01-15T00:00:00.000Z' })));
    expect(later.events?.map((e) => e.type === 'tier.changed' && [e.tier.to, e.tier.effectiveAt])).toEqual([
      ['VIP Bronze', '2027-07-01T00:00:00.000Z'],
    ]);
    const down = ok(decideAccountUpsert(gold, { accountId: 'a1', profile, tier: 'Member' }, config, ctx()));
    expect(down.accounts[0]!.next).toMatchObject({ tier: 'Member', tierStatus: { floor: 'Member' } });
    expect(down.events?.[0]).toMatchObject({ tier: { from: 'VIP Gold', to: 'Member', cause: 'partner' } });
  });

  it('records nothing when the tier given is the one in force, and nothing when creating an account', () => {
    const profile = { profileId: 'p1', role: 'CONSUMER' as const };
    expect(decideAccountUpsert(account(), { accountId: 'a1', profile, tier: 'Guest' }, config, ctx())).not.toHaveProperty('events');
    const created = ok(decideAccountUpsert(undefined, { accountId: 'a9', profile, tier: 'Member' }, config, ctx()));
    expect(created).not.toHaveProperty('events');
    expect(created.accounts[0]!.next).toMatchObject({ tier: 'Member', tierStatus: { settledAt: NOW, floor: 'Member' } });
  });

  it('records a partner change while qualification is off too, without starting a tier status', () => {
    const profile = { profileId: 'p1', role: 'CONSUMER' as const };
    const plan = ok(decideAccountUpsert(account(), { accountId: 'a1', profile, tier: 'VIP Gold' }, plainConfig, ctx()));
    expect(plan.accounts[0]!.next).not.toHaveProperty('tierStatus');
    expect(plan.events?.[0]).toMatchObject({ tier: { from: 'Guest', to: 'VIP Gold', cause: 'partner' } });
  });
});

describe('the discount cap of the tier in force', () => {
  const rule = config.versions[0]!;
  it.each([
    ['Guest', 10_000, 10_000, 100_000],
    ['VIP Bronze', 10_000, 5000, 50_000],
    ['VIP Gold', 10_000, 2000, 20_000],
    ['VIP Gold', 999, 199, 1990],
    ['Unlisted', 10_000, 10_000, 100_000],
  ])('%s on a %i-cent order: at most %i cents, %i points', (tier, subtotalCents, maxDiscountCents, maxPoints) =>
    expect(discountCap(rule, tier, subtotalCents)).toMatchObject({ maxDiscountCents, maxPoints }),
  );

  const bronze = (): Account => {
    const rich = ok(decideEarn(account(), undefined, bonus(100_000), plainConfig, ctx())).accounts[0]!.next;
    return { ...rich, tier: 'VIP Bronze' };
  };
  const redeem = (points: number, subtotalCents?: number) =>
    decideRedeem(
      bronze(),
      undefined,
      { accountId: 'a1', points, orderId: 'r1', ...(subtotalCents !== undefined ? { subtotalCents } : {}) },
      config,
      ctx(),
    );

  it('refuses a discount above the cap with discount_above_cap and its figures; at the cap or without a subtotal it redeems', () => {
    expect(redeem(50_010, 10_000)).toEqual({
      ok: false,
      code: 'discount_above_cap',
      detail: expect.stringMatching(/50%/),
      extra: { tier: 'VIP Bronze', maxDiscountPercent: 50, maxDiscountCents: 5000, maxPoints: 50_000 },
    });
    expect(ok(redeem(50_000, 10_000)).result.body).toMatchObject({ discountCents: 5000 });
    expect(ok(redeem(60_000)).result.body).toMatchObject({ discountCents: 6000 });
  });
});
