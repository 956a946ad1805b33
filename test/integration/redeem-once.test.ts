import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi, type LocalApi, tenantWithPoints } from '../support/local-api.ts';
import { auditTenant } from '../support/table-audit.ts';

/** SPEC section 5: a redemption is unique by (tenant, order id), like a purchase earn. */
let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());

const tenantWith = (accounts: Record<string, number>, redemption?: Parameters<LocalApi['newTenant']>[3]) =>
  tenantWithPoints(api, accounts, redemption);

const key = (k: string) => ({ 'idempotency-key': k });

describe('one redemption per order', () => {
  it('a second redeem of the order under another key is 409 duplicate_order naming the first; the discount is given once', async () => {
    const { tenantId, partner } = await tenantWith({ member: 20_000 });
    const first = await partner.redeem({ accountId: 'member', points: 5000, orderId: 'checkout-1' }, key('k-1'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ points: 5000, discountCents: 500, balance: 15_000 });

    for (const [k, points] of [
      ['k-2', 5000],
      ['k-3', 6000],
    ] as const) {
      const again = await partner.redeem({ accountId: 'member', points, orderId: 'checkout-1' }, key(k));
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toContain('application/problem+json');
      expect(again.body).toMatchObject({ code: 'duplicate_order', transactionId: first.body.transactionId });
      expect(again.body.detail).toContain('checkout-1');
      expect(again.headers.get('idempotent-replayed')).toBeNull();
    }

    expect((await partner.balance('member')).body).toMatchObject({ balance: 15_000, available: 15_000 });
    const audit = await auditTenant(tenantId);
    expect(audit.violations).toEqual([]);
    expect(audit.redemptions).toEqual([
      expect.objectContaining({ orderId: 'checkout-1', accountId: 'member', points: 5000, transactionId: first.body.transactionId }),
    ]);
  });

  it('the same key replays the first answer, not a refusal', async () => {
    const { partner } = await tenantWith({ member: 20_000 });
    const body = { accountId: 'member', points: 5000, orderId: 'checkout-r' };
    const first = await partner.redeem(body, key('same'));
    const replay = await partner.redeem(body, key('same'));
    expect(first.status).toBe(201);
    expect({ status: replay.status, body: replay.body }).toEqual({ status: 201, body: first.body });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await partner.balance('member')).body.balance).toBe(15_000);
  });

  it('different orders each redeem', async () => {
    const { tenantId, partner } = await tenantWith({ member: 20_000 });
    for (const orderId of ['o-a', 'o-b', 'o-c']) {
      expect((await partner.redeem({ accountId: 'member', points: 5000, orderId })).status).toBe(201);
    }
    expect((await partner.balance('member')).body.balance).toBe(5000);
    expect((await auditTenant(tenantId)).redemptions).toHaveLength(3);
  });

  it("the order is the tenant's: another account redeeming the same order id is refused too", async () => {
    const { partner } = await tenantWith({ alice: 10_000, bob: 10_000 });
    const first = await partner.redeem({ accountId: 'alice', points: 5000, orderId: 'shared-checkout' });
    expect(first.status).toBe(201);
    const other = await partner.redeem({ accountId: 'bob', points: 5000, orderId: 'shared-checkout' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'duplicate_order', transactionId: first.body.transactionId });
    expect((await partner.balance('bob')).body.balance).toBe(10_000);
  });

  it('another tenant may use the same order id', async () => {
    const a = await tenantWith({ member: 10_000 });
    const b = await tenantWith({ member: 10_000 });
    expect((await a.partner.redeem({ accountId: 'member', points: 5000, orderId: 'same-id' })).status).toBe(201);
    expect((await b.partner.redeem({ accountId: 'member', points: 5000, orderId: 'same-id' })).status).toBe(201);
  });

  it('a refused redeem does not use up the order: it redeems once the points are there', async () => {
    const { partner } = await tenantWith({ member: 3000 });
    const refused = await partner.redeem({ accountId: 'member', points: 5000, orderId: 'later' });
    expect(refused.body.code).toBe('insufficient_points');
    await partner.earn({ accountId: 'member', source: { type: 'bonus', campaignId: 'top-up', points: 2000 } });
    expect((await partner.redeem({ accountId: 'member', points: 5000, orderId: 'later' })).status).toBe(201);
  });

  it('a purchase order and a redemption order of the same id are distinct; reversing the purchase still works', async () => {
    const { tenantId, partner } = await tenantWith({ member: 0 });
    const earned = await partner.earn({ accountId: 'member', source: { type: 'purchase', orderId: 'ord-9', subtotalCents: 100_000 } });
    expect(earned.body).toMatchObject({ points: 12_000 });
    // The checkout that paid for it with points, under the same order id.
    const redeemed = await partner.redeem({ accountId: 'member', points: 5000, orderId: 'ord-9' });
    expect(redeemed.status).toBe(201);
    // Neither record answers for the other.
    expect(
      (await partner.earn({ accountId: 'member', source: { type: 'purchase', orderId: 'ord-9', subtotalCents: 1 } })).body,
    ).toMatchObject({
      code: 'duplicate_order',
      transactionId: earned.body.transactionId,
    });
    expect((await partner.redeem({ accountId: 'member', points: 5000, orderId: 'ord-9' })).body).toMatchObject({
      code: 'duplicate_order',
      transactionId: redeemed.body.transactionId,
    });
    const reversal = await partner.reverse({ accountId: 'member', orderId: 'ord-9', points: 1000 });
    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({ points: 1000, balance: 6000 });
    // A redemption order is not an earned order: a reversal of an id that only redeemed is 404.
    expect((await partner.redeem({ accountId: 'member', points: 5000, orderId: 'only-redeemed' })).status).toBe(201);
    expect((await partner.reverse({ accountId: 'member', orderId: 'only-redeemed' })).body.code).toBe('not_found');
    const audit = await auditTenant(tenantId);
    expect(audit.violations).toEqual([]);
    expect(audit.orders).toEqual([expect.objectContaining({ orderId: 'ord-9', earnedPoints: 12_000, reversedPoints: 1000 })]);
    expect(audit.redemptions.map((r) => r.orderId).sort()).toEqual(['only-redeemed', 'ord-9']);
  });
});

describe('concurrent redeems of one order', () => {
  it('N parallel redeems with distinct keys, on one account or several, give exactly one discount', async () => {
    const accounts = { c0: 50_000, c1: 50_000, c2: 50_000 };
    const { tenantId, partner } = await tenantWith(accounts);
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => partner.redeem({ accountId: `c${i % 3}`, points: 5000, orderId: 'race' }, key(`race-${i}`))),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of responses.filter((r) => r.status !== 201)) {
      // A loser reads the winner's order and is refused; one that runs out of time is retryable.
      expect(['duplicate_order', 'concurrent_update', 'service_unavailable']).toContain(r.body.code);
      if (r.body.code === 'duplicate_order') expect(r.body.transactionId).toBe(created[0]!.body.transactionId);
    }
    expect(responses.filter((r) => r.body?.code === 'duplicate_order').length).toBeGreaterThan(0);
    const audit = await auditTenant(tenantId);
    expect(audit.violations).toEqual([]);
    expect([...audit.entries.values()].flat().filter((e) => e.type === 'REDEEM')).toHaveLength(1);
    expect(audit.redemptions).toHaveLength(1);
    const total = (await Promise.all(Object.keys(accounts).map(async (id) => (await partner.balance(id)).body.balance))).reduce(
      (sum: number, b: number) => sum + b,
      0,
    );
    expect(total).toBe(150_000 - 5000);
  });
});
