import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPartnerApi, partnerClient, type LocalApi, type PartnerClient, type ApiResponse } from '../support/local-api.ts';
import { auditAccount } from '../support/ledger-audit.ts';

let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;

beforeAll(async () => {
  ({ api, tenantId, partner } = await startPartnerApi());
  await partner.putAccount('victim');
  await partner.earn({ accountId: 'victim', source: { type: 'purchase', orderId: 'v-1', subtotalCents: 100_000 } });
});
afterAll(() => api?.close());

function expectProblem(response: ApiResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    status,
    code,
    type: expect.stringContaining(code),
    title: expect.any(String),
    detail: expect.any(String),
    requestId: expect.any(String),
  });
  expect(JSON.stringify(response.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+|Exception/);
}

const earnOf = (source: unknown, extra: Record<string, unknown> = {}) => ({ accountId: 'victim', source, ...extra });

describe('bad input gets a 4xx problem and changes nothing', () => {
  const bodies: [string, unknown][] = [
    ['negative points', earnOf({ type: 'bonus', campaignId: 'c', points: -5 })],
    ['fractional points', earnOf({ type: 'bonus', campaignId: 'c', points: 1.5 })],
    ['zero points', earnOf({ type: 'bonus', campaignId: 'c', points: 0 })],
    ['points as a string', earnOf({ type: 'bonus', campaignId: 'c', points: '100' })],
    ['a huge number', earnOf({ type: 'bonus', campaignId: 'c', points: 1e300 })],
    ['an unknown field at the top', earnOf({ type: 'bonus', campaignId: 'c', points: 5 }, { bonus: true })],
    ['an unknown field in the source', earnOf({ type: 'bonus', campaignId: 'c', points: 5, multiplier: 10 })],
    ['an unknown source type', earnOf({ type: 'lottery', campaignId: 'c', points: 5 })],
    ['a negative subtotal', earnOf({ type: 'purchase', orderId: 'o', subtotalCents: -100 })],
    ['a fractional subtotal', earnOf({ type: 'purchase', orderId: 'o', subtotalCents: 10.5 })],
    ['a missing account id', { source: { type: 'bonus', campaignId: 'c', points: 5 } }],
    ['an account id with a key separator', earnOf({ type: 'bonus', campaignId: 'c', points: 5 }, { accountId: 'T#other#A#x' })],
    ['an account id of dots alone', earnOf({ type: 'bonus', campaignId: 'c', points: 5 }, { accountId: '..' })],
    ['an account id that is too long', earnOf({ type: 'bonus', campaignId: 'c', points: 5 }, { accountId: 'a'.repeat(65) })],
    ['an expiry on a bonus (only promotions take one)', earnOf({ type: 'bonus', campaignId: 'c', points: 5, expiresInDays: 30 })],
    ['a malformed occurredAt', earnOf({ type: 'bonus', campaignId: 'c', points: 5 }, { occurredAt: 'yesterday' })],
    ['a JSON array', [1, 2, 3]],
    ['JSON null', null],
    [
      'a prototype-pollution attempt',
      JSON.parse('{"accountId":"victim","source":{"type":"bonus","campaignId":"c","points":5},"__proto__":{"admin":true}}'),
    ],
  ];
  for (const [name, body] of bodies) {
    it(`earn with ${name}: 400 validation_error`, async () => {
      expectProblem(await partner.earn(body), 400, 'validation_error');
    });
  }

  it('redeem with negative, fractional or string points: 400', async () => {
    for (const points of [-5000, 5000.5, '5000', null]) {
      expectProblem(await partner.redeem({ accountId: 'victim', points, orderId: 'o' }), 400, 'validation_error');
    }
  });

  it('malformed JSON: 400', async () => {
    expectProblem(await partner.call('POST', '/api/v1/earn', '{"accountId": "victim", '), 400, 'validation_error');
  });

  it('a non-JSON content type: 415', async () => {
    const response = await partner.call('POST', '/api/v1/earn', JSON.stringify(earnOf({ type: 'bonus', campaignId: 'c', points: 5 })), {
      'content-type': 'text/plain',
    });
    expectProblem(response, 415, 'unsupported_media_type');
  });

  it('an oversized body: 413', async () => {
    const body = JSON.stringify(earnOf({ type: 'bonus', campaignId: 'c'.repeat(20_000), points: 5 }));
    expectProblem(await partner.call('POST', '/api/v1/earn', body), 413, 'payload_too_large');
  });

  it('a malformed Idempotency-Key: 400', async () => {
    for (const key of ['x'.repeat(256), 'tab\tinside']) {
      const response = await partner.earn(earnOf({ type: 'bonus', campaignId: 'c', points: 5 }), { 'idempotency-key': key });
      expectProblem(response, 400, 'validation_error');
    }
  });

  it('bad query parameters: 400', async () => {
    expectProblem(await partner.transactions('accountId=victim&limit=1000'), 400, 'validation_error');
    expectProblem(await partner.transactions('accountId=victim&limit=-1'), 400, 'validation_error');
    expectProblem(await partner.transactions('accountId=victim&type=STEAL'), 400, 'validation_error');
    expectProblem(await partner.transactions('accountId=victim&cursor=bm90LWEtY3Vyc29y'), 400, 'validation_error');
    expectProblem(await partner.transactions('accountId=victim&unknown=1'), 400, 'validation_error');
    expectProblem(await partner.transactions('accountId=victim&accountId=other'), 400, 'validation_error');
    expectProblem(await partner.balance(''), 400, 'validation_error');
  });

  it('unknown routes and methods: 404 and 405 problems', async () => {
    expectProblem(await partner.call('GET', '/api/v1/nope'), 404, 'not_found');
    expectProblem(await partner.call('DELETE', '/api/v1/earn'), 405, 'method_not_allowed');
  });

  it('missing, malformed and unknown keys: 401', async () => {
    for (const key of ['', 'not-a-key', `rrr_${'A'.repeat(43)}`]) {
      const response = await partnerClient(api.baseUrl, key).earn(earnOf({ type: 'bonus', campaignId: 'c', points: 5 }));
      expectProblem(response, 401, 'unauthorized');
    }
  });

  it('after all of it, the account holds exactly what it held', async () => {
    const audit = await auditAccount(tenantId, 'victim');
    expect(audit.entries).toHaveLength(1);
    expect(audit.balance).toBe(12_000);
  });
});

describe('tenant isolation', () => {
  it("another tenant's account is a 404 on every route, and nothing moves", async () => {
    const other = await api.newTenant();
    const intruder = partnerClient(api.baseUrl, other.partnerKey);
    expectProblem(await intruder.getAccount('victim'), 404, 'not_found');
    expectProblem(await intruder.balance('victim'), 404, 'not_found');
    expectProblem(await intruder.transactions('accountId=victim'), 404, 'not_found');
    expectProblem(await intruder.earn(earnOf({ type: 'bonus', campaignId: 'c', points: 5 })), 404, 'not_found');
    expectProblem(await intruder.redeem({ accountId: 'victim', points: 5000, orderId: 'steal' }), 404, 'not_found');
    expectProblem(await intruder.reverse({ accountId: 'victim', orderId: 'v-1' }), 404, 'not_found');
    // The same account id in the other tenant is a different account.
    expect((await intruder.putAccount('victim')).status).toBe(201);
    expect((await intruder.balance('victim')).body.balance).toBe(0);
    expect((await partner.balance('victim')).body.balance).toBe(12_000);
  });

  it('a key without the scope a route needs is 403', async () => {
    const readOnly = await api.newTenant(undefined, ['read']);
    const client = partnerClient(api.baseUrl, readOnly.partnerKey);
    expectProblem(await client.earn(earnOf({ type: 'bonus', campaignId: 'c', points: 5 })), 403, 'forbidden');
    expectProblem(await client.balance('victim'), 404, 'not_found');
  });
});
