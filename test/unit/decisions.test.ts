import { describe, expect, it } from 'vitest';
import { decideEarn } from '../../functions/domain/decisions/earn.ts';
import { decideRedeem } from '../../functions/domain/decisions/redeem.ts';
import { decideApplyLock, decideLiftLock } from '../../functions/domain/decisions/locks.ts';
import { decideReversal } from '../../functions/domain/decisions/reversal.ts';
import { decideAccountUpsert } from '../../functions/domain/decisions/account-upsert.ts';
import { verifyChain } from '../../functions/domain/hash-chain.ts';
import { creditWallet } from '../../functions/domain/lots.ts';
import type { Decision } from '../../functions/domain/plan.ts';
import type { Account, OrderRecord, RedemptionOrderRecord } from '../../functions/domain/types.ts';
import { account, config, ctx, NOW } from '../support/domain-fixtures.ts';

function ok(decision: Decision) {
  if (!decision.ok) throw new Error(`expected a plan, got ${decision.code}: ${decision.detail}`);
  return decision;
}

function earned(start: Account, points: number): Account {
  return ok(decideEarn(start, undefined, { accountId: 'a1', source: { type: 'bonus', campaignId: 'c', points } }, config, ctx()))
    .accounts[0]!.next;
}

describe('decideEarn', () => {
  it('prices a purchase at 12 points per USD and records the rule version', () => {
    const plan = ok(
      decideEarn(
        account(),
        undefined,
        { accountId: 'a1', source: { type: 'purchase', orderId: 'o1', subtotalCents: 2550 } },
        config,
        ctx(),
      ),
    );
    expect(plan.result.body).toMatchObject({ points: 306, balance: 306, ruleVersion: 1 });
    expect(plan.entries).toHaveLength(1);
    expect(plan.entries[0]).toMatchObject({ type: 'EARN', amount: 306, balanceAfter: 306, seq: 1, ruleVersion: 1 });
    expect(plan.order?.next).toMatchObject({ orderId: 'o1', earnedPoints: 306, reversedPoints: 0 });
    expect(plan.order?.expectedVersion).toBeNull();
    expect(plan.accounts[0]!.expectedVersion).toBe(3);
  });

  it('gives a purchase lot 365 days to the end of the local day', () => {
    const plan = ok(
      decideEarn(account(), undefined, { accountId: 'a1', source: { type: 'purchase', orderId: 'o1', subtotalCents: 100 } }, config, ctx()),
    );
    expect(plan.accounts[0]!.next.wallets.points.lots).toEqual([
      { type: 'purchase', expiresAt: '2027-06-02T03:59:59.999Z', awardedAt: NOW, remaining: 12 },
    ]);
  });

  const refusals: [string, Parameters<typeof decideEarn>, string][] = [
    [
      'an unknown account',
      [undefined, undefined, { accountId: 'a1', source: { type: 'bonus', campaignId: 'c', points: 5 } }, config, ctx()],
      'account_not_found',
    ],
    [
      'an order that already earned',
      [
        account(),
        { orderId: 'o1', earnTransactionId: 'tx-0' } as OrderRecord,
        { accountId: 'a1', source: { type: 'purchase', orderId: 'o1', subtotalCents: 100 } },
        config,
        ctx(),
      ],
      'duplicate_order',
    ],
    [
      'an event from the future',
      [
        account(),
        undefined,
        { accountId: 'a1', occurredAt: '2026-06-01T13:00:00.000Z', source: { type: 'bonus', campaignId: 'c', points: 5 } },
        config,
        ctx(),
      ],
      'occurred_at_out_of_range',
    ],
    [
      'a promotion living under 30 days',
      [
        account(),
        undefined,
        { accountId: 'a1', source: { type: 'promotion', campaignId: 'c', points: 5, expiresInDays: 7 } },
        config,
        ctx(),
      ],
      'promotion_days_out_of_range',
    ],
    [
      'a backdated promotion already expired on arrival',
      [
        account(),
        undefined,
        {
          accountId: 'a1',
          occurredAt: '2026-04-01T12:00:00.000Z',
          source: { type: 'promotion', campaignId: 'c', points: 5, expiresInDays: 30 },
        },
        config,
        ctx(),
      ],
      'expired_on_arrival',
    ],
  ];
  for (const [name, args, code] of refusals) {
    it(`refuses ${name} with ${code}`, () => expect(decideEarn(...args)).toMatchObject({ ok: false, code }));
  }

  it('is deterministic: the same event and configuration give the same entry', () => {
    const request = {
      accountId: 'a1',
      occurredAt: '2026-05-30T00:00:00.000Z',
      source: { type: 'purchase' as const, orderId: 'o9', subtotalCents: 12345 },
    };
    expect(decideEarn(account(), undefined, request, config, ctx())).toEqual(decideEarn(account(), undefined, request, config, ctx()));
  });

  it('never lets expired-on-arrival points pay debt', () => {
    const inDebt = account({ wallets: { points: { ...account().wallets.points, balance: -300, debt: 300 } } });
    const backdated = {
      accountId: 'a1',
      occurredAt: '2026-04-01T12:00:00.000Z',
      source: { type: 'promotion' as const, campaignId: 'c', points: 120, expiresInDays: 30 },
    };
    expect(decideEarn(inDebt, undefined, backdated, config, ctx())).toMatchObject({ ok: false, code: 'expired_on_arrival' });
    expect(() =>
      creditWallet(inDebt.wallets.points, { points: 120, type: 'promotion', expiresAt: '2026-05-01T03:59:59.999Z', awardedAt: NOW }),
    ).toThrow(/live points/);
  });

  it('pays debt down first and creates a lot only for the rest', () => {
    const inDebt = account({ wallets: { points: { ...account().wallets.points, balance: -300, debt: 300 } } });
    const plan = ok(
      decideEarn(inDebt, undefined, { accountId: 'a1', source: { type: 'bonus', campaignId: 'c', points: 120 } }, config, ctx()),
    );
    expect(plan.result.body).toMatchObject({ points: 120, balance: -180 });
    expect(plan.accounts[0]!.next.wallets.points).toMatchObject({ debt: 180, lots: [] });
  });
});

describe('decideRedeem', () => {
  const rich = earned(account(), 20_000);

  it('debits the points and prices the discount (1000 points = 100 cents)', () => {
    const plan = ok(
      decideRedeem(rich, undefined, { accountId: 'a1', points: 5000, orderId: 'r1' }, config, ctx({ transactionId: 'tx-2' })),
    );
    expect(plan.result.body).toMatchObject({ points: 5000, discountCents: 500, balance: 15_000 });
    expect(plan.entries[0]).toMatchObject({ type: 'REDEEM', amount: -5000, seq: 2, balanceAfter: 15_000 });
    expect(
      verifyChain([
        ...ok(
          decideEarn(account(), undefined, { accountId: 'a1', source: { type: 'bonus', campaignId: 'c', points: 20_000 } }, config, ctx()),
        ).entries,
        ...plan.entries,
      ]),
    ).toBeUndefined();
  });

  it('writes the redemption order with the debit, new (no version before)', () => {
    const plan = ok(
      decideRedeem(rich, undefined, { accountId: 'a1', points: 5000, orderId: 'r1' }, config, ctx({ transactionId: 'tx-2' })),
    );
    expect(plan.order).toMatchObject({
      expectedVersion: null,
      next: {
        sourceType: 'redemption',
        orderId: 'r1',
        accountId: 'a1',
        transactionId: 'tx-2',
        points: 5000,
        discountCents: 500,
        version: 1,
      },
    });
  });

  it('refuses an order that has already redeemed, naming the first transaction', () => {
    const first = ok(
      decideRedeem(rich, undefined, { accountId: 'a1', points: 5000, orderId: 'r1' }, config, ctx({ transactionId: 'tx-2' })),
    );
    expect(first.order?.next.sourceType).toBe('redemption');
    const existing = first.order!.next as RedemptionOrderRecord;
    expect(decideRedeem(rich, existing, { accountId: 'a1', points: 6000, orderId: 'r1' }, config, ctx())).toMatchObject({
      ok: false,
      code: 'duplicate_order',
      extra: { transactionId: 'tx-2' },
    });
  });

  const refusals: [string, Account | undefined, number, string][] = [
    ['an unknown account', undefined, 5000, 'account_not_found'],
    ['less than the minimum', rich, 4990, 'below_minimum_redemption'],
    ['more than is available', rich, 25_000, 'insufficient_points'],
    ['a part of a cent', rich, 5005, 'points_not_whole_cents'],
    [
      'a negative balance',
      account({ wallets: { points: { ...rich.wallets.points, debt: 1, balance: rich.wallets.points.balance - 1 } } }),
      5000,
      'negative_balance',
    ],
    [
      'a redemption lock',
      { ...rich, locks: [{ lockId: 'l1', kind: 'redemption', reasonCode: 'fraud_suspected', appliedAt: NOW }] },
      5000,
      'account_locked',
    ],
    [
      'a full account lock',
      { ...rich, locks: [{ lockId: 'l2', kind: 'account', reasonCode: 'fraud_suspected', appliedAt: NOW }] },
      5000,
      'account_locked',
    ],
  ];
  for (const [name, acct, points, code] of refusals) {
    it(`refuses ${name} with ${code}`, () =>
      expect(decideRedeem(acct, undefined, { accountId: 'a1', points, orderId: 'r1' }, config, ctx())).toMatchObject({ ok: false, code }));
  }

  it('ignores a lock that has ended', () => {
    const unlocked = {
      ...rich,
      locks: [
        {
          lockId: 'l3',
          kind: 'redemption' as const,
          reasonCode: 'other',
          appliedAt: '2026-01-01T00:00:00.000Z',
          until: '2026-05-01T00:00:00.000Z',
        },
      ],
    };
    expect(decideRedeem(unlocked, undefined, { accountId: 'a1', points: 5000, orderId: 'r1' }, config, ctx()).ok).toBe(true);
  });
});

describe('decideReversal', () => {
  const order: OrderRecord = {
    tenantId: 't1',
    sourceType: 'purchase',
    orderId: 'o1',
    accountId: 'a1',
    earnTransactionId: 'tx-0',
    earnedPoints: 500,
    reversedPoints: 0,
    version: 1,
  };

  it('reverses all unreversed points by default and may leave a debt', () => {
    const small = earned(account(), 200);
    const plan = ok(decideReversal(small, order, { accountId: 'a1', orderId: 'o1' }, config, ctx()));
    expect(plan.result.body).toMatchObject({ points: 500, balance: -300 });
    expect(plan.accounts[0]!.next.wallets.points).toMatchObject({ debt: 300, lots: [], balance: -300 });
    expect(plan.order).toMatchObject({ next: { reversedPoints: 500, version: 2 }, expectedVersion: 1 });
  });

  it('reverses part of an order', () => {
    const plan = ok(
      decideReversal(earned(account(), 1000), order, { accountId: 'a1', orderId: 'o1', points: 100, reason: 'chargeback' }, config, ctx()),
    );
    expect(plan.entries[0]).toMatchObject({ type: 'REVERSAL', amount: -100, reasonCode: 'chargeback', balanceAfter: 900 });
  });

  const refusals: [string, OrderRecord | undefined, number | undefined, string][] = [
    ['an order it never earned', undefined, undefined, 'order_not_found'],
    ["another account's order", { ...order, accountId: 'a2' }, undefined, 'order_of_another_account'],
    ['a fully reversed order', { ...order, reversedPoints: 500 }, undefined, 'nothing_to_reverse'],
    ['more than is left', { ...order, reversedPoints: 450 }, 100, 'reversal_exceeds_unreversed'],
  ];
  for (const [name, o, points, code] of refusals) {
    it(`refuses ${name} with ${code}`, () =>
      expect(decideReversal(account(), o, { accountId: 'a1', orderId: 'o1', ...(points ? { points } : {}) }, config, ctx())).toMatchObject({
        ok: false,
        code,
      }));
  }
});

describe('decideAccountUpsert', () => {
  it('creates an account with version 1 and answers 201', () => {
    const plan = ok(decideAccountUpsert(undefined, { accountId: 'a9', profile: { profileId: 'p9', role: 'MODEL' } }, config, ctx()));
    expect(plan.result.effect).toBe('created');
    expect(plan.accounts[0]).toMatchObject({ expectedVersion: null, next: { version: 1, tier: 'Guest' } });
    expect(plan.accounts[0]!.next.wallets.allocation).toBeDefined();
  });

  it('updates flags and keeps the wallets, answering 200', () => {
    const existing = earned(account(), 50);
    const plan = ok(
      decideAccountUpsert(existing, { accountId: 'a1', profile: existing.profile, verification: { phone: true } }, config, ctx()),
    );
    expect(plan.result.effect).toBe('updated');
    expect(plan.result.body).toMatchObject({ trustLevel: 'L2', verification: { email: true, phone: true } });
    expect(plan.accounts[0]!.next.wallets.points.balance).toBe(50);
  });

  it('refuses an unknown tier', () => {
    expect(
      decideAccountUpsert(undefined, { accountId: 'a1', profile: { profileId: 'p', role: 'CONSUMER' }, tier: 'Platinum' }, config, ctx()),
    ).toMatchObject({
      ok: false,
      code: 'unknown_tier',
    });
  });
});

describe('locks', () => {
  const operator = ctx({ actor: { kind: 'operator', id: 'op-1', role: 'tenant_admin' } });
  const lockOf = (i: number, until?: string) => ({
    lockId: `l${i}`,
    kind: 'transfer' as const,
    reasonCode: 'other',
    appliedAt: '2026-01-01T00:00:00.000Z',
    ...(until ? { until } : {}),
  });

  it('applies a lock on the account item, guarded by its version, with an event after the current entry', () => {
    const decided = decideApplyLock(account(), { accountId: 'a1', kind: 'redemption', reasonCode: 'fraud_suspected' }, operator);
    expect(decided).toMatchObject({ ok: true, entries: [] });
    if (!decided.ok) return;
    expect(decided.accounts[0]).toMatchObject({ expectedVersion: account().version, next: { version: account().version + 1 } });
    expect(decided.accounts[0]!.next.locks).toEqual([
      expect.objectContaining({ kind: 'redemption', appliedBy: { id: 'op-1', role: 'tenant_admin' } }),
    ]);
    expect(decided.events).toEqual([expect.objectContaining({ type: 'lock.applied', pointsSeq: account().wallets.points.seq })]);
  });

  it('keeps at most ten active locks, and drops the ended ones on the way', () => {
    const full = account({ locks: Array.from({ length: 10 }, (_, i) => lockOf(i)) });
    expect(decideApplyLock(full, { accountId: 'a1', kind: 'account', reasonCode: 'other' }, operator)).toMatchObject({
      ok: false,
      code: 'too_many_locks',
    });
    const ended = account({ locks: Array.from({ length: 10 }, (_, i) => lockOf(i, '2026-01-02T00:00:00.000Z')) });
    const decided = decideApplyLock(ended, { accountId: 'a1', kind: 'account', reasonCode: 'other' }, operator);
    expect(decided.ok && decided.accounts[0]!.next.locks.map((lock) => lock.kind)).toEqual(['account']);
  });

  it('lifts only a lock the account holds', () => {
    const held = account({ locks: [lockOf(1)] });
    expect(decideLiftLock(held, { accountId: 'a1', lockId: 'l2', reasonCode: 'resolved' }, operator)).toMatchObject({
      code: 'lock_not_found',
    });
    const lifted = decideLiftLock(held, { accountId: 'a1', lockId: 'l1', reasonCode: 'resolved' }, operator);
    expect(lifted.ok && lifted.accounts[0]!.next.locks).toEqual([]);
    expect(lifted.ok && lifted.events).toEqual([expect.objectContaining({ type: 'lock.lifted', reasonCode: 'resolved' })]);
  });
});
