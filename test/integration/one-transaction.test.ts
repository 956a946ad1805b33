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

/** One or two BatchGetItem rounds, then exactly one TransactWriteItems, nothing else. */
function readRoundsThenOneTransaction(names: string[]): boolean {
  const reads = names.slice(0, -1);
  return (
    names.at(-1) === 'TransactWriteItemsCommand' &&
    reads.length >= 1 &&
    reads.length <= 2 &&
    reads.every((n) => n === 'BatchGetItemCommand')
  );
}

describe('one request, one transaction', () => {
  const cases: [string, () => Promise<{ status: number }>][] = [
    ['a purchase earn', () => partner.earn({ accountId: 'one-tx', source: { type: 'purchase', orderId: 'otx-1', subtotalCents: 1000 } })],
    ['a bonus earn', () => partner.earn({ accountId: 'one-tx', source: { type: 'bonus', campaignId: 'b', points: 5 } })],
    ['a redeem', () => partner.redeem({ accountId: 'one-tx', points: 5000, orderId: 'otx-r' })],
    ['a reversal', () => partner.reverse({ accountId: 'one-tx', orderId: 'otx-1' })],
  ];
  for (const [name, request] of cases) {
    // The second read, when there is one, is the lot pages the decision asked for.
    it(`${name} is at most two consistent reads and one TransactWriteItems`, async () => {
      const calls = await callsOf(request, 201);
      expect(readRoundsThenOneTransaction(calls.map((c) => c.name))).toBe(true);
      expect(calls.filter((c) => c.name === 'BatchGetItemCommand').every((c) => c.consistentRead)).toBe(true);
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
    expect(calls.map((c) => c.name)).toEqual(['BatchGetItemCommand']);
  });
});
