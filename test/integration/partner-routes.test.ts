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

describe('health and OpenAPI', () => {
  it('GET /api/v1/health is public', async () => {
    const response = await fetch(`${api.baseUrl}/api/v1/health`);
    expect(response.status).toBe(200);
    expect((await response.json()) as object).toMatchObject({ status: 'ok' });
  });

  it('GET /api/v1/openapi.json serves an OpenAPI 3.1 document with every route', async () => {
    const document = (await (await fetch(`${api.baseUrl}/api/v1/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/earn',
        '/api/v1/redeem',
        '/api/v1/reversals',
        '/api/v1/balance',
        '/api/v1/transactions',
        '/api/v1/accounts/{accountId}',
      ]),
    );
  });
});

describe('accounts', () => {
  it('PUT creates (201) then updates (200); GET shows trust level and tier', async () => {
    const created = await partner.putAccount('acc-1', { profile: { profileId: 'xcn-1', role: 'CONSUMER' }, verification: { email: true } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ accountId: 'acc-1', tier: 'Guest', trustLevel: 'L1', locks: [] });
    const updated = await partner.putAccount('acc-1', {
      profile: { profileId: 'xcn-1', role: 'CONSUMER' },
      verification: { phone: true },
      tier: 'Member',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ trustLevel: 'L2', tier: 'Member', verification: { email: true, phone: true } });
    const fetched = await partner.getAccount('acc-1');
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(updated.body);
  });

  it('GET of an unknown account is a 404 problem', async () => {
    const response = await partner.getAccount('nobody');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ code: 'not_found', status: 404 });
  });
});

describe('earn, redeem, reversal, balance, history', () => {
  const accountId = 'acc-flow';
  beforeAll(async () => {
    expect((await partner.putAccount(accountId)).status).toBe(201);
  });

  it('earns 12 points per USD of a purchase subtotal', async () => {
    const response = await partner.earn({ accountId, source: { type: 'purchase', orderId: 'ord-1', subtotalCents: 50_000 } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ accountId, points: 6000, balance: 6000, ruleVersion: 1 });
    expect(response.body.transactionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a second earn for the same order with another key (natural key)', async () => {
    const response = await partner.earn({ accountId, source: { type: 'purchase', orderId: 'ord-1', subtotalCents: 50_000 } });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('duplicate_order');
    expect(response.body.transactionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('earns a promotion with explicit points', async () => {
    const response = await partner.earn({ accountId, source: { type: 'promotion', campaignId: 'spring', points: 500, expiresInDays: 30 } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ points: 500, balance: 6500 });
  });

  it('shows balance, points by type and upcoming expiries', async () => {
    const response = await partner.balance(accountId);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      accountId,
      balance: 6500,
      available: 6500,
      held: 0,
      debt: 0,
      byType: { purchase: 6000, promotion: 500 },
    });
    expect(response.body.expiring).toHaveLength(2);
    expect(response.body.expiring[0].points).toBe(500);
  });

  it('redeems, spending the promotion (earliest expiry) first', async () => {
    const response = await partner.redeem({ accountId, points: 5000, orderId: 'checkout-1' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ points: 5000, discountCents: 500, balance: 1500 });
    const history = await partner.transactions(`accountId=${accountId}&type=REDEEM`);
    expect(history.body.items[0].lots).toEqual([
      expect.objectContaining({ type: 'promotion', points: 500 }),
      expect.objectContaining({ type: 'purchase', points: 4500 }),
    ]);
  });

  it('refuses redemptions below the minimum and beyond the available points', async () => {
    expect((await partner.redeem({ accountId, points: 4000, orderId: 'c2' })).body.code).toBe('below_minimum_redemption');
    const tooMuch = await partner.redeem({ accountId, points: 5000, orderId: 'c2' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ code: 'insufficient_points', available: 1500 });
  });

  it('reverses an order into a negative balance, which blocks redemption and is paid down by the next earn', async () => {
    const reversal = await partner.reverse({ accountId, orderId: 'ord-1', reason: 'chargeback' });
    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({ points: 6000, balance: -4500 });
    expect((await partner.reverse({ accountId, orderId: 'ord-1' })).body.code).toBe('nothing_to_reverse');
    const blocked = await partner.redeem({ accountId, points: 5000, orderId: 'c3' });
    expect(blocked.body.code).toBe('insufficient_points');
    const paydown = await partner.earn({ accountId, source: { type: 'bonus', campaignId: 'sorry', points: 120 } });
    expect(paydown.body.balance).toBe(-4380);
    expect((await partner.balance(accountId)).body).toMatchObject({ balance: -4380, debt: 4380, available: 0 });
  });

  it('refuses backdated points that would already have expired, so dead points never pay debt', async () => {
    const before = await partner.balance(accountId);
    const occurredAt = new Date(Date.now() - 60 * 86_400_000).toISOString();
    const late = await partner.earn({
      accountId,
      occurredAt,
      source: { type: 'promotion', campaignId: 'stale', points: 900, expiresInDays: 30 },
    });
    expect(late.status).toBe(422);
    expect(late.body).toMatchObject({ code: 'expired_on_arrival', expiresAt: expect.any(String) });
    expect((await partner.balance(accountId)).body).toEqual(before.body);
  });

  it('lists history newest first with filters and cursor pagination', async () => {
    const all = await partner.transactions(`accountId=${accountId}&limit=100`);
    expect(all.body.items.map((e: { type: string }) => e.type)).toEqual(['EARN', 'REVERSAL', 'REDEEM', 'EARN', 'EARN']);
    expect(all.body.nextCursor).toBeUndefined();
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await partner.transactions(`accountId=${accountId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(...page.body.items.map((e: { transactionId: string }) => e.transactionId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.body.items.map((e: { transactionId: string }) => e.transactionId));
    const earns = await partner.transactions(`accountId=${accountId}&type=EARN`);
    expect(earns.body.items).toHaveLength(3);
    const none = await partner.transactions(`accountId=${accountId}&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z`);
    expect(none.body.items).toEqual([]);
  });

  it('never shows partners operator-only fields in history', async () => {
    const { body } = await partner.transactions(`accountId=${accountId}`);
    for (const item of body.items) {
      expect(item).not.toHaveProperty('actor');
      expect(item).not.toHaveProperty('clientMeta');
      expect(item).not.toHaveProperty('idempotencyKey');
    }
  });

  it('leaves a ledger whose balance, lots and hash chain agree', async () => {
    const audit = await auditAccount(tenantId, accountId);
    expect(audit.balance).toBe(-4380);
    expect(audit.ledgerSum).toBe(audit.balance);
    expect(audit.lotsMinusDebt).toBe(audit.balance);
    expect(audit.chainBreak).toBeUndefined();
    expect(audit.headMatches).toBe(true);
    expect(audit.entries.every((e) => e.clientMeta?.ipHash && !e.clientMeta.ipHash.includes('127.0.0.1'))).toBe(true);
  });
});
