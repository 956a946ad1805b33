import { MIN_EFFECTIVE_LEAD_MS } from '../../functions/domain/tenant-config.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../functions/domain/hash-chain.ts';
import { allLedgerEntries } from '../support/ledger-audit.ts';
import { operatorClient, partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';

/**
 * Promotions end to end through the local gateway (SPEC section 2): an admin schedules a version
 * with promotions, purchases inside the window earn the promotion worth most to the member (by
 * tier), the entry names it for partner and operator, and at the window's end (exclusive) the
 * plain rate is back. The handlers run in this process, so their clock is moved with fake Dates.
 */

let api: LocalApi;
let tenantId: string;
let partner: PartnerClient;
let admin: ReturnType<typeof operatorClient>;

beforeAll(async () => {
  api = await startLocalApi();
  const tenant = await api.newTenant();
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
  const token = await api.operatorIssuer.mint({ subject: 'promo-admin', roles: ['tenant_admin'], tenantId });
  admin = operatorClient(api.baseUrl, token);
});
afterAll(() => api?.close());
afterEach(() => vi.useRealTimers());

const path = () => `/api/v1/admin/tenants/${tenantId}/config`;
const at = (base: number, ms: number) => new Date(base + ms).toISOString();
const HOUR = 3_600_000;
let order = 0;
const purchase = (accountId: string, subtotalCents: number) =>
  partner.earn({ accountId, source: { type: 'purchase', orderId: `promo-${accountId}-${++order}`, subtotalCents } });

describe('promotions through the API', () => {
  it('refuses a promotion naming a tier the version does not have, and one with both a multiplier and a bonus', async () => {
    const window = { from: at(Date.now(), 2 * 60_000), to: at(Date.now(), HOUR) };
    const unknownTier = await admin.call('PUT', path(), {
      earning: { promotions: [{ id: 'p', window, multiplier: 2, tiers: ['Platinum'] }] },
    });
    expect(unknownTier.status).toBe(400);
    expect(unknownTier.body).toMatchObject({ code: 'validation_error' });
    expect(unknownTier.body.detail).toMatch(/Platinum/);
    const both = await admin.call('PUT', path(), { earning: { promotions: [{ id: 'p', window, multiplier: 2, bonusPoints: 5 }] } });
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('validation_error');
  });

  it('prices purchases in the window with the promotion worth most, names it on the entry, and stops at the window end', async () => {
    expect((await partner.putAccount('promo-guest')).status).toBe(201);
    const gold = await partner.putAccount('promo-gold', { profile: { profileId: 'p-gold', role: 'CONSUMER' }, tier: 'VIP Gold' });
    expect(gold.status).toBe(201);

    const start = Date.now() + MIN_EFFECTIVE_LEAD_MS + 60_000;
    const promotions = [
      { id: 'double-hour', window: { from: at(start, 0), to: at(start, HOUR) }, multiplier: 2 },
      { id: 'gold-5000', window: { from: at(start, 0), to: at(start, 2 * HOUR) }, bonusPoints: 5000, tiers: ['VIP Gold'] },
      // Worth the same as double-hour for 100.00 USD, but ends later: double-hour wins the tie.
      { id: 'a-plus-1200', window: { from: at(start, 0), to: at(start, 3 * HOUR) }, bonusPoints: 1200 },
    ];
    const made = await admin.call('PUT', path(), { effectiveFrom: at(start, 0), earning: { promotions } });
    expect(made.status).toBe(201);
    expect(made.body.created.earning.promotions).toEqual(promotions);
    const version = made.body.created.version;

    // Before the version (and the window): the plain rate.
    const before = await purchase('promo-guest', 10_000);
    expect(before.status).toBe(201);
    expect(before.body).toMatchObject({ points: 1200, ruleVersion: 1 });
    expect(before.body).not.toHaveProperty('promotionId');

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start + 60_000);
    const guest = await purchase('promo-guest', 10_000);
    expect(guest.status).toBe(201);
    expect(guest.body).toMatchObject({ points: 2400, ruleVersion: version, promotionId: 'double-hour' });
    const goldEarn = await purchase('promo-gold', 10_000);
    expect(goldEarn.body).toMatchObject({ points: 6200, ruleVersion: version, promotionId: 'gold-5000' });

    // The window ends at `to`, exclusive: double-hour is over, the later-ending bonus is next best.
    vi.setSystemTime(start + HOUR);
    const after = await purchase('promo-guest', 10_000);
    expect(after.body).toMatchObject({ points: 2400, ruleVersion: version, promotionId: 'a-plus-1200' });
    vi.setSystemTime(start + 3 * HOUR);
    const over = await purchase('promo-guest', 10_000);
    expect(over.body).toMatchObject({ points: 1200, ruleVersion: version });
    expect(over.body).not.toHaveProperty('promotionId');

    // The partner's transactions and the operator's ledger name the promotion (real time again:
    // the operator's token would be expired three hours on).
    vi.useRealTimers();
    const listed = await partner.transactions('accountId=promo-guest');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { points: number; promotionId?: string }) => [item.points, item.promotionId ?? null])).toEqual([
      [1200, null],
      [2400, 'a-plus-1200'],
      [2400, 'double-hour'],
      [1200, null],
    ]);
    const ledger = await admin.call('GET', `/api/v1/admin/tenants/${tenantId}/accounts/promo-gold/ledger`);
    expect(ledger.status).toBe(200);
    expect(ledger.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ amount: 6200, promotionId: 'gold-5000', ruleVersion: version })]),
    );

    // The stored chain holds, the promotion id hashed with the rest.
    for (const accountId of ['promo-guest', 'promo-gold']) {
      const entries = await allLedgerEntries(tenantId, accountId);
      expect(verifyChain(entries)).toBeUndefined();
    }
    expect((await allLedgerEntries(tenantId, 'promo-gold'))[0]).toMatchObject({ promotionId: 'gold-5000' });
  });
});

describe('the size of the versions', () => {
  it('refuses a version that would take the tenant item past its budget with 422 limit_exceeded, writing nothing', async () => {
    const tenant = await api.newTenant();
    const token = await api.operatorIssuer.mint({ subject: 'promo-size', roles: ['tenant_admin'], tenantId: tenant.tenantId });
    const owner = operatorClient(api.baseUrl, token);
    const configPath = `/api/v1/admin/tenants/${tenant.tenantId}/config`;
    const tiers = Array.from({ length: 20 }, (_, i) => ({
      name: `tier-${String(i).padStart(2, '0')}-${'x'.repeat(32)}`,
      minPoints: 0,
      multiplier: 1,
      maxDiscountPercent: 100,
    }));
    const start = Date.now() + MIN_EFFECTIVE_LEAD_MS + 4 * 60_000;
    const window = { from: at(start, 0), to: at(start, HOUR) };
    // Each version carries about 15 KB (a request body may hold 16 KB): 20 tiers, 12 promotions naming all of them.
    const promotions = (round: number) =>
      Array.from({ length: 12 }, (_, i) => ({
        id: `r${round}-p${i}`,
        window,
        tiers: tiers.map((t) => t.name),
        bonusPoints: 1 + i,
      }));
    expect((await owner.call('PUT', configPath, { effectiveFrom: at(start, 0), tiers })).status).toBe(201);
    let refused: Awaited<ReturnType<typeof owner.call>> | undefined;
    let made = 0;
    for (let round = 1; round <= 30 && !refused; round++) {
      const answer = await owner.call('PUT', configPath, { effectiveFrom: at(start, round), earning: { promotions: promotions(round) } });
      if (answer.status === 201) made++;
      else refused = answer;
    }
    expect(made).toBeGreaterThan(10);
    expect(refused?.status).toBe(422);
    expect(refused?.body).toMatchObject({ code: 'limit_exceeded' });
    expect(refused?.body.detail).toMatch(/bytes/);
    expect((await owner.call('GET', configPath)).body.versions).toHaveLength(made + 2);
  });
});
