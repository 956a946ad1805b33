import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSpendOrder } from '../../functions/domain/lots.ts';
import { allLedgerEntries, auditAccount } from '../support/ledger-audit.ts';
import { startPartnerApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { lotsFor, seedLots } from '../support/seed-lots.ts';

let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;

// 4,200 lots of 100 points: 2,100 expired (kept in their pages until the sweep) and 2,100
// live, two a day, so the live ones span about 35 expiry months. Stored inline, this account
// would be past DynamoDB's 400 KB item limit.
const LOTS = 4200;
const EXPIRED = 2100;
const seededAt = new Date().toISOString();
const POINTS = 100;
const lots = lotsFor(LOTS, EXPIRED, seededAt, POINTS);
const live = lots.filter((lot) => lot.expiresAt > seededAt).sort(compareSpendOrder);

beforeAll(async () => {
  ({ api, tenantId, partner } = await startPartnerApi());
  await partner.putAccount('aged');
  await seedLots(tenantId, 'aged', lots, seededAt);
});
afterAll(() => api?.close());

/** The request's own DynamoDB calls (the authorizer's left out), and its answer. */
async function callsOf<T extends { status: number }>(request: () => Promise<T>) {
  api.sdkCalls.length = 0;
  const response = await request();
  return { response, names: api.sdkCalls.filter((call) => !call.key?.includes('APIKEY#')).map((call) => call.name) };
}

/** Read rounds (one BatchGetItem each, a lot-page Query beside it) before exactly one transaction. */
const readRoundsThenOneTransaction = (names: string[]): number => {
  expect(names.at(-1)).toBe('TransactWriteItemsCommand');
  expect(names.filter((name) => name === 'TransactWriteItemsCommand')).toHaveLength(1);
  const reads = names.slice(0, -1);
  expect(reads.every((name) => name === 'BatchGetItemCommand' || name === 'QueryCommand')).toBe(true);
  expect(reads.filter((name) => name === 'QueryCommand').length).toBeLessThanOrEqual(
    reads.filter((name) => name === 'BatchGetItemCommand').length,
  );
  return reads.filter((name) => name === 'BatchGetItemCommand').length;
};

describe('an account holding 4,200 lots across many months', () => {
  it('answers its balance from the pages: live points, expired points and every expiry day', async () => {
    const response = await partner.balance('aged');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ balance: LOTS * POINTS, available: live.length * POINTS, expired: EXPIRED * POINTS, debt: 0 });
    expect(response.body.byType).toEqual({ purchase: (live.length / 2) * POINTS, promotion: (live.length / 2) * POINTS });
    expect(response.body.expiring).toHaveLength(live.length / 2);
    expect(response.body.expiring[0]).toEqual({ date: live[0]!.expiresAt.slice(0, 10), points: 2 * POINTS });
  });

  it('redeems across several pages in exact spend order, in at most two read rounds and one transaction', async () => {
    // 100 days of lots: the current month's page and the next three.
    const points = 20_000;
    const { response, names } = await callsOf(() => partner.redeem({ accountId: 'aged', points, orderId: 'aged-r1' }));
    expect(response.status).toBe(201);
    // The Query beside the first read brings the two earliest pages; the other two take a second round.
    expect(readRoundsThenOneTransaction(names)).toBe(2);
    const redeem = (await allLedgerEntries(tenantId, 'aged')).find((entry) => entry.type === 'REDEEM')!;
    const expected = live.slice(0, points / POINTS).map((lot) => ({ type: lot.type, expiresAt: lot.expiresAt, points: POINTS }));
    expect(redeem.lots).toEqual(expected);
    expect(new Set(redeem.lots.map((lot) => lot.expiresAt.slice(0, 7))).size).toBeGreaterThanOrEqual(3);
  });

  it('earns into one page, in one read round and one transaction', async () => {
    const { response, names } = await callsOf(() =>
      partner.earn({ accountId: 'aged', source: { type: 'purchase', orderId: 'aged-o1', subtotalCents: 1000 } }),
    );
    expect(response.status).toBe(201);
    expect(readRoundsThenOneTransaction(names)).toBe(1);
  });

  it('keeps balance = lots - debt, every page agreeing with the account summary', async () => {
    const audit = await auditAccount(tenantId, 'aged');
    expect(audit.pageSummaryViolations).toEqual([]);
    expect(audit.lotsMinusDebt).toBe(audit.balance);
    const balance = await partner.balance('aged');
    expect(balance.body.balance).toBe(audit.balance);
    expect(balance.body.expired).toBe(EXPIRED * POINTS);
  });
});
