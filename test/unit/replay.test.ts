import { describe, expect, it } from 'vitest';
import { earnReplay, replayEarns } from '../../functions/domain/replay.ts';
import { defaultTenantConfig, type TenantConfig } from '../../functions/domain/tenant-config.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';

const T0 = '2027-01-01T00:00:00.000Z';

function config(): TenantConfig {
  const base = defaultTenantConfig('t1', 'T1', T0);
  const v1 = base.versions[0]!;
  const v2 = {
    ...v1,
    version: 2,
    effectiveFrom: '2027-02-01T00:00:00.000Z',
    earning: {
      ...v1.earning,
      purchasePointsPerUsd: 20,
      promotions: [{ id: 'double', window: { from: '2027-02-10T00:00:00.000Z', to: '2027-02-20T00:00:00.000Z' }, multiplier: 2 }],
    },
  };
  return { ...base, versions: [v1, v2] };
}

let seq = 0;
function earn(facts: Partial<LedgerEntry>): LedgerEntry {
  seq += 1;
  return {
    tenantId: 't1',
    accountId: 'a1',
    wallet: 'points',
    seq,
    type: 'EARN',
    amount: 0,
    balanceAfter: 0,
    debtAfter: 0,
    transactionId: `tx-${seq}`,
    correlationId: `tx-${seq}`,
    idempotencyKey: `k-${seq}`,
    requestId: `r-${seq}`,
    actor: { kind: 'partner', id: 'key' },
    source: { type: 'purchase', orderId: `o-${seq}` },
    lots: [],
    createdAt: '2027-03-01T00:00:00.000Z',
    prevHash: '0',
    hash: '1',
    ...facts,
  } as LedgerEntry;
}

describe('replayEarns', () => {
  const rate = config().versions[0]!.earning.purchasePointsPerUsd;
  it('recomputes each purchase earn by its own rule version and promotion; a changed amount or promotion is a difference', () => {
    const entries = [
      earn({
        amount: 100 * rate,
        ruleVersion: 1,
        occurredAt: '2027-01-15T00:00:00.000Z',
        pricing: { subtotalCents: 10_000, tier: 'Member' },
      }),
      earn({
        amount: 4000,
        ruleVersion: 2,
        promotionId: 'double',
        occurredAt: '2027-02-15T00:00:00.000Z',
        pricing: { subtotalCents: 10_000, tier: 'Member' },
      }),
      earn({ amount: 2000, ruleVersion: 2, occurredAt: '2027-02-15T00:00:00.000Z', pricing: { subtotalCents: 10_000, tier: 'Member' } }),
      earn({ amount: 50, source: { type: 'bonus', campaignId: 'c' }, occurredAt: '2027-01-15T00:00:00.000Z' }),
      earn({ amount: 7, ruleVersion: 1, occurredAt: '2027-01-15T00:00:00.000Z' }),
      earn({ amount: 7, ruleVersion: 9, occurredAt: '2027-01-15T00:00:00.000Z', pricing: { subtotalCents: 100, tier: 'Member' } }),
      earn({ type: 'REDEEM', amount: -10, source: undefined, occurredAt: '2027-01-15T00:00:00.000Z' }),
    ];
    const report = replayEarns(entries, config());
    expect(report).toMatchObject({ checked: 6, replayable: 3, notReplayable: 2, explicitPoints: 1 });
    expect(report.differences).toEqual([
      {
        accountId: 'a1',
        seq: entries[2]!.seq,
        transactionId: entries[2]!.transactionId,
        recorded: { amount: 2000, ruleVersion: 2 },
        recomputed: { amount: 4000, ruleVersion: 2, promotionId: 'double' },
      },
    ]);
    expect(report.notReplayableEntries.map((entry) => entry.reason)).toEqual([
      'not replayable (no stored event)',
      'not replayable (rule version 9 is no longer kept)',
    ]);
    // The window is on occurredAt: [from, to).
    expect(replayEarns(entries, config(), { from: '2027-02-01T00:00:00.000Z' })).toMatchObject({ checked: 2, replayable: 2 });
    expect(replayEarns(entries, config(), { to: '2027-02-01T00:00:00.000Z' })).toMatchObject({ checked: 4, replayable: 1 });
  });

  it('taken one at a time (the whole-tenant replay): the counts are whole, the lists capped', () => {
    const replay = earnReplay(config(), {}, 2);
    for (let i = 0; i < 5; i += 1) {
      replay.add(
        earn({ amount: 1, ruleVersion: 1, occurredAt: '2027-01-15T00:00:00.000Z', pricing: { subtotalCents: 10_000, tier: 'Member' } }),
      );
      replay.add(earn({ amount: 1, ruleVersion: 1, occurredAt: '2027-01-15T00:00:00.000Z' }));
    }
    const report = replay.report();
    expect(report).toMatchObject({ checked: 10, replayable: 5, notReplayable: 5, differenceCount: 5 });
    expect(report.differences).toHaveLength(2);
    expect(report.notReplayableEntries).toHaveLength(2);
    // A report is a copy: later entries do not change one already taken.
    replay.add(
      earn({ amount: 1, ruleVersion: 1, occurredAt: '2027-01-15T00:00:00.000Z', pricing: { subtotalCents: 10_000, tier: 'Member' } }),
    );
    expect(report.differenceCount).toBe(5);
    expect(replay.report().differenceCount).toBe(6);
  });
});
