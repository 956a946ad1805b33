import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { partnerClient, type PartnerClient } from '../support/local-api.ts';
import { killLeftoverServices, startService, type RunningService } from '../support/local-service.ts';

let localDir: string;
let service: RunningService;
let partner: PartnerClient;

beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'rrr-journey-'));
  service = await startService(localDir, ['--in-memory']);
  partner = partnerClient(service.credentials.baseUrl, service.credentials.partnerKey);
});

afterAll(async () => {
  if (service) expect(await service.stop()).toBe(0);
  await killLeftoverServices();
  await rm(localDir, { recursive: true, force: true });
});

describe('a partner integrating against `npm start` with the printed demo key', () => {
  it('links a member, earns, checks the balance, redeems, retries safely and reads history', async () => {
    const member = 'member-42';
    expect(
      (await partner.putAccount(member, { profile: { profileId: 'xcn-42', role: 'CONSUMER' }, verification: { email: true } })).status,
    ).toBe(201);

    const earnBody = { accountId: member, source: { type: 'purchase', orderId: '1001', subtotalCents: 50_000 } };
    const earn = await partner.earn(earnBody, { 'idempotency-key': 'order-1001-earn' });
    expect(earn.status).toBe(201);
    expect(earn.body).toMatchObject({ points: 6000, balance: 6000 });

    // A network blip: the partner retries the very same request.
    const retried = await partner.earn(earnBody, { 'idempotency-key': 'order-1001-earn' });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body.transactionId).toBe(earn.body.transactionId);

    const balance = await partner.balance(member);
    expect(balance.body).toMatchObject({ balance: 6000, available: 6000, byType: { purchase: 6000 } });

    const redeem = await partner.redeem({ accountId: member, points: 5000, orderId: 'checkout-77' }, { 'idempotency-key': 'checkout-77' });
    expect(redeem.status).toBe(201);
    expect(redeem.body).toMatchObject({ discountCents: 500, balance: 1000 });

    const history = await partner.transactions(`accountId=${member}`);
    expect(history.body.items.map((e: { type: string; points: number }) => [e.type, e.points])).toEqual([
      ['REDEEM', -5000],
      ['EARN', 6000],
    ]);

    const refund = await partner.reverse({ accountId: member, orderId: '1001' });
    expect(refund.body).toMatchObject({ points: 6000, balance: -5000 });
    expect((await partner.balance(member)).body).toMatchObject({ balance: -5000, available: 0, debt: 5000 });
  });

  it("checks out in two phases: a hold committed, and an abandoned one closed by the service's timer at its end", async () => {
    const member = 'member-46';
    expect((await partner.putAccount(member)).status).toBe(201);
    await partner.earn({ accountId: member, source: { type: 'bonus', campaignId: 'welcome', points: 12_000 } });
    const paid = await partner.hold({ accountId: member, points: 5000, orderId: 'checkout-4601' });
    expect(paid.status).toBe(201);
    expect((await partner.commitHold(paid.body.redemptionId)).body).toMatchObject({ status: 'committed', balance: 7000 });

    const abandoned = await partner.hold({ accountId: member, points: 5000, orderId: 'checkout-4602', holdSeconds: 1 });
    expect(abandoned.body).toMatchObject({ status: 'held', available: 2000, held: 5000 });
    // The RedemptionHold workflow of the running service closes it after its end (the answer
    // reads `expired` from the end on; `closedAt` appears once the timer has run).
    const closed = await vi.waitFor(
      async () => {
        const view = await partner.redemption(abandoned.body.redemptionId);
        if (!view.body.closedAt) throw new Error('the hold timer has not run yet');
        return view.body;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(closed).toMatchObject({ status: 'expired', orderId: 'checkout-4602' });
    expect(Date.parse(closed.closedAt)).toBeGreaterThanOrEqual(Date.parse(abandoned.body.expiresAt));
    expect((await partner.balance(member)).body).toMatchObject({ balance: 7000, available: 7000, held: 0 });
    expect((await partner.redeem({ accountId: member, points: 5000, orderId: 'checkout-4602' })).status).toBe(201);
  });

  it('gets problem+json for mistakes, as the README documents', async () => {
    const missingKey = await partner.call('POST', '/api/v1/earn', { accountId: 'x' }, { 'idempotency-key': '' });
    expect(missingKey.status).toBe(400);
    expect(missingKey.headers.get('content-type')).toContain('application/problem+json');
    expect(missingKey.body.code).toBe('idempotency_key_missing');
    const unknown = await partner.balance('never-linked');
    expect(unknown.body).toMatchObject({ status: 404, code: 'not_found' });
  });
});
