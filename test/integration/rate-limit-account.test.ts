import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { auditAccount } from '../support/ledger-audit.ts';

let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;

beforeAll(async () => {
  api = await startLocalApi();
  const tenant = await api.newTenant(undefined, undefined, { accountWritesPerMinute: 4 });
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
});
afterAll(() => api?.close());
afterEach(() => {
  vi.useRealTimers();
});

describe('per-account write limit', () => {
  it('refuses writes beyond the limit within one minute (429, Retry-After), changes nothing, and lets reversals through', async () => {
    // Every request sees the same instant, so all fall in one minute window.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-25T10:00:15.000Z'));
    expect((await partner.putAccount('busy')).status).toBe(201);
    expect((await partner.earn({ accountId: 'busy', source: { type: 'purchase', orderId: 'o1', subtotalCents: 10_000 } })).status).toBe(
      201,
    );
    expect((await partner.earn({ accountId: 'busy', source: { type: 'bonus', campaignId: 'b', points: 10 } })).status).toBe(201);
    expect((await partner.earn({ accountId: 'busy', source: { type: 'bonus', campaignId: 'c', points: 10 } })).status).toBe(201);

    const refused = await partner.earn({ accountId: 'busy', source: { type: 'bonus', campaignId: 'd', points: 10 } });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 45 });
    expect(refused.headers.get('retry-after')).toBe('45');

    // A chargeback must always land: reversals are not rate limited.
    expect((await partner.reverse({ accountId: 'busy', orderId: 'o1', reason: 'chargeback' })).status).toBe(201);

    // Another account of the tenant has its own window.
    expect((await partner.putAccount('quiet')).status).toBe(201);

    vi.setSystemTime(new Date('2026-11-25T10:01:00.000Z'));
    expect((await partner.earn({ accountId: 'busy', source: { type: 'bonus', campaignId: 'd', points: 10 } })).status).toBe(201);

    const audit = await auditAccount(tenantId, 'busy');
    expect(audit.entries.map((e) => e.type)).toEqual(['EARN', 'EARN', 'EARN', 'REVERSAL', 'EARN']);
    expect(audit.ledgerSum).toBe(audit.balance);
  });
});
