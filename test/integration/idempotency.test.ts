import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPartnerApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { auditAccount } from '../support/ledger-audit.ts';

let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;

beforeAll(async () => {
  ({ api, tenantId, partner } = await startPartnerApi());
});
afterAll(() => api?.close());

describe('Idempotency-Key', () => {
  it('is required on every mutating route', async () => {
    for (const [method, path, body] of [
      ['PUT', '/api/v1/accounts/x1', { profile: { profileId: 'p', role: 'CONSUMER' } }],
      ['POST', '/api/v1/earn', { accountId: 'x1', source: { type: 'bonus', campaignId: 'c', points: 1 } }],
      ['POST', '/api/v1/redeem', { accountId: 'x1', points: 5000, orderId: 'o' }],
      ['POST', '/api/v1/reversals', { accountId: 'x1', orderId: 'o' }],
    ] as const) {
      const response = await partner.call(method, path, body, { 'idempotency-key': '' });
      expect(response.status, path).toBe(400);
      expect(response.body.code, path).toBe('idempotency_key_missing');
    }
  });

  it('replays the original status and body with Idempotent-Replayed: true', async () => {
    await partner.putAccount('replay');
    const headers = { 'idempotency-key': 'earn-replay-1' };
    const body = { accountId: 'replay', source: { type: 'bonus', campaignId: 'c', points: 70 } };
    const first = await partner.earn(body, headers);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same JSON with other key order and spacing is the same request.
    const again = await partner.call(
      'POST',
      '/api/v1/earn',
      `{ "source": {"points":70,"campaignId":"c","type":"bonus"}, "accountId":"replay" }`,
      headers,
    );
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await auditAccount(tenantId, 'replay')).entries).toHaveLength(1);
  });

  it('replays a success even when deciding again would now be refused', async () => {
    await partner.putAccount('replay-redeem');
    await partner.earn({ accountId: 'replay-redeem', source: { type: 'bonus', campaignId: 'c', points: 6000 } });
    const headers = { 'idempotency-key': 'redeem-once' };
    const first = await partner.redeem({ accountId: 'replay-redeem', points: 5000, orderId: 'o1' }, headers);
    const retry = await partner.redeem({ accountId: 'replay-redeem', points: 5000, orderId: 'o1' }, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect((await partner.balance('replay-redeem')).body.balance).toBe(1000);
  });

  it('refuses the same key with a different body (422) and changes nothing', async () => {
    await partner.putAccount('reuse');
    const headers = { 'idempotency-key': 'reused-key' };
    await partner.earn({ accountId: 'reuse', source: { type: 'bonus', campaignId: 'c', points: 10 } }, headers);
    const reused = await partner.earn({ accountId: 'reuse', source: { type: 'bonus', campaignId: 'c', points: 11 } }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect((await partner.balance('reuse')).body.balance).toBe(10);
  });

  it('applies 20 concurrent requests with one key exactly once', async () => {
    await partner.putAccount('burst');
    const headers = { 'idempotency-key': 'burst-key' };
    const body = { accountId: 'burst', source: { type: 'purchase', orderId: 'burst-order', subtotalCents: 1000 } };
    const responses = await Promise.all(Array.from({ length: 20 }, () => partner.earn(body, headers)));
    const statuses = responses.map((r) => r.status);
    // Every answer is the one outcome (201) or, while it commits, "in use" (409).
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const successes = responses.filter((r) => r.status === 201);
    expect(successes.length).toBeGreaterThan(0);
    expect(new Set(successes.map((r) => r.body.transactionId)).size).toBe(1);
    for (const r of responses.filter((r) => r.status === 409)) expect(r.body.code).toBe('idempotency_key_in_use');
    const audit = await auditAccount(tenantId, 'burst');
    expect(audit.entries).toHaveLength(1);
    expect(audit.balance).toBe(120);
  });
});
