import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi, partnerClient, type LocalApi, type PartnerClient } from '../support/local-api.ts';

let api: LocalApi;
let partner: PartnerClient;

beforeAll(async () => {
  api = await startLocalApi();
  const tenant = await api.newTenant();
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
  await partner.putAccount('one-tx');
  // Warm the tenant configuration cache so only the request's own calls are counted.
  await partner.earn({ accountId: 'one-tx', source: { type: 'bonus', campaignId: 'warm', points: 10_000 } });
});
afterAll(() => api?.close());

/** The calls one request makes, less the authorizer's (key lookup and last-use stamp, cached on AWS). */
async function callsOf(request: () => Promise<{ status: number }>, expectedStatus: number) {
  api.sdkCalls.length = 0;
  const response = await request();
  expect(response.status).toBe(expectedStatus);
  return api.sdkCalls.filter((call) => !call.key?.includes('APIKEY#'));
}

/**
 * The reads before the transaction, as one round each: a round is one BatchGetItem (accounts,
 * idempotency record, order, named pages) and, beside it, the Query for the earliest lot pages.
 */
function readRounds(names: string[]): string[][] {
  const rounds: string[][] = [];
  for (const name of names) {
    if (name === 'BatchGetItemCommand') rounds.push([name]);
    else rounds.at(-1)?.push(name);
  }
  return rounds.map((round) => round.sort());
}

describe('one request, one transaction', () => {
  const oneRound = ['BatchGetItemCommand'];
  const oneRoundWithEarliestPages = ['BatchGetItemCommand', 'QueryCommand'];
  const cases: [string, () => Promise<{ status: number }>, string[]][] = [
    // An earn reads the one page it credits with the account: its month is known before the read.
    [
      'a purchase earn',
      () => partner.earn({ accountId: 'one-tx', source: { type: 'purchase', orderId: 'otx-1', subtotalCents: 1000 } }),
      oneRound,
    ],
    ['a bonus earn', () => partner.earn({ accountId: 'one-tx', source: { type: 'bonus', campaignId: 'b', points: 5 } }), oneRound],
    // A debit spends the earliest lots, whatever their month: the Query beside the read finds them.
    ['a redeem', () => partner.redeem({ accountId: 'one-tx', points: 5000, orderId: 'otx-r' }), oneRoundWithEarliestPages],
    ['a reversal', () => partner.reverse({ accountId: 'one-tx', orderId: 'otx-1' }), oneRoundWithEarliestPages],
  ];
  for (const [name, request, round] of cases) {
    it(`${name} is one consistent read round and one TransactWriteItems`, async () => {
      const calls = await callsOf(request, 201);
      const names = calls.map((c) => c.name);
      expect(names.at(-1)).toBe('TransactWriteItemsCommand');
      expect(readRounds(names.slice(0, -1))).toEqual([round]);
      expect(calls.slice(0, -1).every((c) => c.consistentRead)).toBe(true);
    });
  }

  it('a replay is one read and no write', async () => {
    const headers = { 'idempotency-key': 'otx-replay' };
    await partner.earn({ accountId: 'one-tx', source: { type: 'bonus', campaignId: 'r', points: 5 } }, headers);
    const calls = await callsOf(
      () => partner.earn({ accountId: 'one-tx', source: { type: 'bonus', campaignId: 'r', points: 5 } }, headers),
      201,
    );
    expect(calls.map((c) => c.name)).toEqual(['BatchGetItemCommand']);
  });

  it('a refusal writes nothing', async () => {
    const calls = await callsOf(() => partner.redeem({ accountId: 'one-tx', points: 900_000, orderId: 'x' }), 422);
    expect(readRounds(calls.map((c) => c.name))).toEqual([['BatchGetItemCommand', 'QueryCommand']]);
  });
});
