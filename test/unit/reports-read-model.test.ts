import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { contributionOf, foldEntries, REPORT_SHARDS, reportShard } from '../../functions/reports/read-model.ts';
import { fanOut } from '../../local/stream-consumers.ts';

const entry = (fields: Partial<LedgerEntry>): LedgerEntry =>
  ({
    tenantId: 'acme',
    accountId: 'm-1',
    wallet: 'points',
    seq: 1,
    lots: [],
    createdAt: '2026-03-10T23:59:59.999Z',
    ...fields,
  }) as LedgerEntry;

describe('what one ledger entry adds to the reports read model', () => {
  it('counts each type in its flow, positive, by the UTC day of createdAt', () => {
    expect(contributionOf(entry({ type: 'EARN', amount: 100 })).flows).toMatchObject({ issued: 100 });
    expect(contributionOf(entry({ type: 'REDEEM', amount: -50 })).flows).toMatchObject({ redeemed: 50 });
    expect(contributionOf(entry({ type: 'EXPIRE', amount: -7 })).flows).toMatchObject({ expired: 7 });
    expect(contributionOf(entry({ type: 'REVERSAL', amount: -30 })).flows).toMatchObject({ reversed: 30 });
    expect(contributionOf(entry({ type: 'ADJUSTMENT', amount: -20 })).flows).toMatchObject({ adjusted: -20 });
    expect(contributionOf(entry({ type: 'EARN', amount: 1 })).day).toBe('2026-03-10');
  });

  it('moves liability by the lot movements: credits add, debits take, per expiry month and type', () => {
    const credit = entry({ type: 'EARN', amount: 100, lots: [{ type: 'purchase', expiresAt: '2027-03-31T04:59:59.999Z', points: 60 }] });
    const debit = entry({
      type: 'REDEEM',
      amount: -50,
      lots: [
        { type: 'purchase', expiresAt: '2027-03-31T04:59:59.999Z', points: 30 },
        { type: 'bonus', expiresAt: '2027-03-15T04:59:59.999Z', points: 20 },
      ],
    });
    // 40 of the credit paid debt: only the lot movement is liability.
    expect(Object.fromEntries(contributionOf(credit).liability)).toEqual({ '2027-03#purchase': 60 });
    expect(Object.fromEntries(contributionOf(debit).liability)).toEqual({ '2027-03#purchase': -30, '2027-03#bonus': -20 });
    expect(Object.fromEntries(foldEntries([credit, debit]).liability)).toEqual({ '2027-03#purchase': 30, '2027-03#bonus': -20 });
  });

  it('leaves the allocation wallet out', () => {
    expect(foldEntries([entry({ type: 'EARN', amount: 5, wallet: 'allocation' as LedgerEntry['wallet'] })]).days.size).toBe(0);
  });

  it('shards by account, stably, within REPORT_SHARDS', () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => reportShard(`member-${i}`)));
    expect(shards.size).toBe(REPORT_SHARDS);
    expect(reportShard('member-1')).toBe(reportShard('member-1'));
  });
});

describe('the local fan-out to every stream consumer', () => {
  it('hands each consumer the same batch and redelivers a record either failed', async () => {
    const event = { Records: [] } as DynamoDBStreamEvent;
    const seen: DynamoDBStreamEvent[] = [];
    const handler = fanOut([
      async (e) => {
        seen.push(e);
        return { batchItemFailures: [{ itemIdentifier: '200' }] };
      },
      async (e) => {
        seen.push(e);
        return { batchItemFailures: [{ itemIdentifier: '100' }, { itemIdentifier: '200' }] };
      },
      async () => undefined,
    ]);
    expect((await handler(event)).batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['100', '200']);
    expect(seen).toEqual([event, event]);
  });
});
