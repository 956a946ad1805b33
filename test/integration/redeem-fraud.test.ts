import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MIN_EFFECTIVE_LEAD_MS } from '../../functions/domain/tenant-config.ts';
import {
  newIdempotencyKey,
  operatorClient,
  partnerClient,
  startLocalApi,
  type LocalApi,
  type PartnerClient,
} from '../support/local-api.ts';
import { auditAccount } from '../support/ledger-audit.ts';
import { rawRequest } from '../support/raw-http.ts';

/**
 * Issue 12 item 8: redemption anti-fraud, every figure from the tenant configuration's
 * `redemption` section. Each rule refuses with its own code; a refusal writes nothing; each
 * committed redemption carries operator-only risk signals on its ledger entry.
 */
let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());
afterEach(() => {
  vi.useRealTimers();
});

interface FraudTenant {
  tenantId: string;
  partnerKey: string;
  partner: PartnerClient;
  ledger: (accountId: string) => Promise<Array<Record<string, any>>>;
}

/**
 * A tenant whose redemption section is `redemption` from the (fake) time set before the call,
 * with one account holding `points`. A version takes effect a minute after it is made at the
 * soonest, so it is made a minute before, and the clock set back to that time.
 */
async function tenantWith(redemption: Record<string, number>, accountId: string, points: number): Promise<FraudTenant> {
  const from = Date.now();
  vi.setSystemTime(from - MIN_EFFECTIVE_LEAD_MS);
  const { tenantId, partnerKey } = await api.newTenant();
  const admin = operatorClient(api.baseUrl, await api.operatorToken(['tenant_admin'], tenantId));
  const put = await admin.call('PUT', `/api/v1/admin/tenants/${tenantId}/config`, { redemption });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
  expect(Date.parse(put.body.created.effectiveFrom)).toBe(from);
  vi.setSystemTime(from);
  const partner = partnerClient(api.baseUrl, partnerKey);
  expect((await partner.putAccount(accountId)).status).toBe(201);
  expect((await partner.earn({ accountId, source: { type: 'bonus', campaignId: 'seed', points } })).status).toBe(201);
  const ledger = async (id: string) => {
    // A token minted now: the clock may have moved past the first one's expiry.
    const reader = operatorClient(api.baseUrl, await api.operatorToken(['tenant_admin'], tenantId));
    const page = await reader.call('GET', `/api/v1/admin/tenants/${tenantId}/accounts/${id}/ledger`);
    expect(page.status).toBe(200);
    return page.body.items as Array<Record<string, any>>;
  };
  return { tenantId, partnerKey, partner, ledger };
}

let orders = 0;
const redeemOf = (partner: PartnerClient, accountId: string) => partner.redeem({ accountId, points: 5000, orderId: `fraud-${++orders}` });

describe('redemptions per hour and per day: 429 redemption_rate_limited', () => {
  it('the hour limit refuses the next redemption in the same UTC hour, with Retry-After, and writes nothing; the next hour redeems', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-01T10:20:00.000Z'));
    const { tenantId, partner, ledger } = await tenantWith({ maxPerHour: 2, maxPerDay: 100 }, 'hourly', 50_000);

    expect((await redeemOf(partner, 'hourly')).status).toBe(201);
    expect((await redeemOf(partner, 'hourly')).status).toBe(201);
    const refused = await redeemOf(partner, 'hourly');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'redemption_rate_limited', limit: 2, window: 'hour', retryAfterSeconds: 2400 });
    expect(refused.headers.get('retry-after')).toBe('2400');
    expect((await partner.balance('hourly')).body.balance).toBe(40_000);

    vi.setSystemTime(new Date('2027-03-01T11:00:00.000Z'));
    expect((await redeemOf(partner, 'hourly')).status).toBe(201);

    // Risk signals: on the operator's ledger view, never on the partner's.
    const redeems = (await ledger('hourly')).filter((e) => e.type === 'REDEEM').reverse();
    expect(redeems.map((e) => e.risk)).toEqual([
      { redemptionsThisHour: 1, redemptionsToday: 1, accountAgeHours: 0 },
      { redemptionsThisHour: 2, redemptionsToday: 2, accountAgeHours: 0 },
      { redemptionsThisHour: 1, redemptionsToday: 3, accountAgeHours: 0 },
    ]);
    const partnerView = await partner.transactions('accountId=hourly');
    expect(partnerView.status).toBe(200);
    expect(JSON.stringify(partnerView.body)).not.toContain('risk');

    const audit = await auditAccount(tenantId, 'hourly');
    expect(audit.entries.map((e) => e.type)).toEqual(['EARN', 'REDEEM', 'REDEEM', 'REDEEM']);
    expect(audit.ledgerSum).toBe(audit.balance);
  });

  it('the day limit refuses within the UTC day (window "day"), and the next day redeems', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-02T22:00:00.000Z'));
    const { partner } = await tenantWith({ maxPerHour: 5, maxPerDay: 2 }, 'daily', 50_000);

    expect((await redeemOf(partner, 'daily')).status).toBe(201);
    vi.setSystemTime(new Date('2027-03-02T23:00:00.000Z'));
    expect((await redeemOf(partner, 'daily')).status).toBe(201);
    const refused = await redeemOf(partner, 'daily');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'redemption_rate_limited', limit: 2, window: 'day', retryAfterSeconds: 3600 });
    expect(refused.headers.get('retry-after')).toBe('3600');

    vi.setSystemTime(new Date('2027-03-03T00:00:01.000Z'));
    expect((await redeemOf(partner, 'daily')).status).toBe(201);
    expect((await partner.balance('daily')).body.balance).toBe(35_000);
  });

  it('concurrent redemptions cannot overshoot the limit: the counter commits with the debit', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-04T10:00:00.000Z'));
    const { tenantId, partner } = await tenantWith({ maxPerHour: 2 }, 'racer', 50_000);
    const answers = await Promise.all(Array.from({ length: 6 }, () => redeemOf(partner, 'racer')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 429, 429, 429, 429]);
    for (const refused of answers.filter((a) => a.status === 429)) expect(refused.body.code).toBe('redemption_rate_limited');
    const audit = await auditAccount(tenantId, 'racer');
    expect(audit.entries.filter((e) => e.type === 'REDEEM')).toHaveLength(2);
    expect(audit.balance).toBe(40_000);
  });
});

describe('new-account cooldown: 422 account_too_new', () => {
  it('refuses a redemption until the configured hours after the account was created; off by default', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-05T08:00:00.000Z'));
    const { partner, ledger } = await tenantWith({ newAccountCooldownHours: 24 }, 'newcomer', 20_000);

    const refused = await redeemOf(partner, 'newcomer');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'account_too_new', cooldownHours: 24, eligibleAt: '2027-03-06T08:00:00.000Z' });
    expect(refused.headers.get('retry-after')).toBeNull();

    vi.setSystemTime(new Date('2027-03-06T07:59:59.000Z'));
    expect((await redeemOf(partner, 'newcomer')).body.code).toBe('account_too_new');
    vi.setSystemTime(new Date('2027-03-06T08:00:00.000Z'));
    expect((await redeemOf(partner, 'newcomer')).status).toBe(201);
    const [redeem] = (await ledger('newcomer')).filter((e) => e.type === 'REDEEM');
    expect(redeem!.risk).toMatchObject({ accountAgeHours: 24 });

    // The default (0) is off: a fresh account of a tenant with default figures redeems at once.
    const plain = await api.newTenant();
    const other = partnerClient(api.baseUrl, plain.partnerKey);
    expect((await other.putAccount('fresh')).status).toBe(201);
    expect((await other.earn({ accountId: 'fresh', source: { type: 'bonus', campaignId: 'seed', points: 5000 } })).status).toBe(201);
    expect((await redeemOf(other, 'fresh')).status).toBe(201);
  });
});

describe('distinct client IP hashes per day: 422 too_many_ip_addresses', () => {
  it('refuses a redemption from a new client address once the day has seen the maximum; known addresses and the next day redeem', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-07T09:00:00.000Z'));
    const { tenantId, partnerKey, ledger } = await tenantWith({ maxIpHashesPerDay: 2 }, 'roamer', 50_000);
    const redeemFrom = (localAddress: string) =>
      rawRequest(api.baseUrl, {
        method: 'POST',
        path: '/api/v1/redeem',
        localAddress,
        headers: { 'x-api-key': partnerKey, 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() },
        body: JSON.stringify({ accountId: 'roamer', points: 5000, orderId: `ip-${++orders}` }),
      });

    expect((await redeemFrom('127.0.0.2')).status).toBe(201);
    expect((await redeemFrom('127.0.0.3')).status).toBe(201);
    const refused = await redeemFrom('127.0.0.4');
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ code: 'too_many_ip_addresses', limit: 2, window: 'day' });
    // Nothing about the addresses themselves is given back.
    expect(refused.text).not.toContain('127.0.0');
    expect((await redeemFrom('127.0.0.2')).status).toBe(201);

    vi.setSystemTime(new Date('2027-03-08T00:00:00.000Z'));
    expect((await redeemFrom('127.0.0.4')).status).toBe(201);

    const risks = (await ledger('roamer'))
      .filter((e) => e.type === 'REDEEM')
      .reverse()
      .map((e) => e.risk.ipHashesToday);
    expect(risks).toEqual([1, 2, 2, 1]);
    const audit = await auditAccount(tenantId, 'roamer');
    expect(audit.entries.filter((e) => e.type === 'REDEEM')).toHaveLength(4);
    expect(audit.ledgerSum).toBe(audit.balance);
  });
});
