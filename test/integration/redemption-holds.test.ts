import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_OPEN_HOLDS } from '../../functions/domain/holds.ts';
import { startLocalApi, type LocalApi, tenantWithPoints } from '../support/local-api.ts';
import { auditTenant, snapshotTenant } from '../support/table-audit.ts';

/** SPEC section 10, two-phase redemption: quote, hold, commit, release, on the real DynamoDB Local. */
let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());
afterEach(() => vi.useRealTimers());

const tenantWith = (accounts: Record<string, number>, redemption?: Parameters<LocalApi['newTenant']>[3]) =>
  tenantWithPoints(api, accounts, redemption);

const key = (k: string) => ({ 'idempotency-key': k });

async function expectSound(tenantId: string) {
  const audit = await auditTenant(tenantId);
  expect(audit.violations).toEqual([]);
  return audit;
}

describe('quote', () => {
  it('prices the points and says what is available; writes nothing', async () => {
    const { tenantId, partner } = await tenantWith({ member: 12_000 });
    const before = await snapshotTenant(tenantId);
    const quote = await partner.quote({ accountId: 'member', points: 6000 });
    expect(quote.status).toBe(200);
    expect(quote.body).toEqual({ accountId: 'member', points: 6000, discountCents: 600, available: 12_000 });
    const after = await snapshotTenant(tenantId);
    expect(after.accounts).toEqual(before.accounts);
    expect(after.idempotency).toHaveLength(before.idempotency.length);
  });

  it('is refused as the redemption would be: below the minimum, not whole cents, more than available, unknown account', async () => {
    const { partner } = await tenantWith({ member: 12_000 });
    const low = await partner.quote({ accountId: 'member', points: 4000 });
    expect(low.status).toBe(422);
    expect(low.body).toMatchObject({ code: 'below_minimum_redemption', minimum: 5000 });
    expect((await partner.quote({ accountId: 'member', points: 5005 })).body.code).toBe('validation_error');
    const short = await partner.quote({ accountId: 'member', points: 13_000 });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({ code: 'insufficient_points', available: 12_000 });
    expect((await partner.quote({ accountId: 'nobody', points: 5000 })).status).toBe(404);
  });
});

describe('hold, then commit', () => {
  it('reserves the points (available falls, balance does not), then spends exactly them in one REDEEM entry', async () => {
    const { tenantId, partner } = await tenantWith({ member: 12_000 });
    const startedAt = Date.now();
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-1' });
    expect(hold.status).toBe(201);
    expect(hold.body).toMatchObject({ status: 'held', points: 5000, discountCents: 500, balance: 12_000, available: 7000, held: 5000 });
    // The tenant's default hold: 900 s.
    const life = Date.parse(hold.body.expiresAt) - startedAt;
    expect(life).toBeGreaterThan(899_000);
    expect(life).toBeLessThan(905_000);
    expect((await partner.balance('member')).body).toMatchObject({ balance: 12_000, available: 7000, held: 5000 });
    expect((await partner.redemption(hold.body.redemptionId)).body).toMatchObject({ status: 'held', orderId: 'cart-1' });
    await expectSound(tenantId);

    const commit = await partner.commitHold(hold.body.redemptionId);
    expect(commit.status).toBe(200);
    expect(commit.body).toMatchObject({ status: 'committed', discountCents: 500, balance: 7000, redemptionId: hold.body.redemptionId });
    expect((await partner.balance('member')).body).toMatchObject({ balance: 7000, available: 7000, held: 0 });
    expect((await partner.redemption(hold.body.redemptionId)).body).toMatchObject({
      status: 'committed',
      transactionId: commit.body.transactionId,
    });
    const audit = await expectSound(tenantId);
    const redeem = audit.entries.get('member')!.find((entry) => entry.type === 'REDEEM')!;
    expect(redeem).toMatchObject({
      amount: -5000,
      transactionId: commit.body.transactionId,
      source: { type: 'redemption', orderId: 'cart-1', redemptionId: hold.body.redemptionId },
    });
    expect(audit.holds[0]!.lots).toEqual(redeem.lots);
  });

  it('a committed hold is not committed or released again (409 redemption_not_held); the same key replays', async () => {
    const { tenantId, partner } = await tenantWith({ member: 12_000 });
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-2' });
    const commit = await partner.commitHold(hold.body.redemptionId, key('commit-1'));
    const replay = await partner.commitHold(hold.body.redemptionId, key('commit-1'));
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(commit.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    for (const again of [await partner.commitHold(hold.body.redemptionId), await partner.releaseHold(hold.body.redemptionId)]) {
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        code: 'redemption_not_held',
        redemptionStatus: 'committed',
        transactionId: commit.body.transactionId,
      });
    }
    expect((await partner.balance('member')).body.balance).toBe(7000);
    await expectSound(tenantId);
  });

  it('the hold keeps its lots: a one-shot redeem meanwhile spends others, and the commit spends the reserved ones', async () => {
    const { tenantId, partner } = await tenantWith({});
    await partner.putAccount('member');
    // A promotion lot (90 days) expires before the bonus lot (365 days): it comes first in spend order.
    await partner.earn({ accountId: 'member', source: { type: 'promotion', campaignId: 'promo', points: 6000 } });
    await partner.earn({ accountId: 'member', source: { type: 'bonus', campaignId: 'seed', points: 6000 } });
    const hold = await partner.hold({ accountId: 'member', points: 6000, orderId: 'cart-3' });
    expect(hold.status).toBe(201);
    const redeem = await partner.redeem({ accountId: 'member', points: 6000, orderId: 'other-order' });
    expect(redeem.status).toBe(201);
    expect((await partner.commitHold(hold.body.redemptionId)).status).toBe(200);
    const audit = await expectSound(tenantId);
    const redeems = audit.entries.get('member')!.filter((entry) => entry.type === 'REDEEM');
    expect(redeems.map((entry) => [entry.source?.orderId, entry.lots.map((lot) => lot.type)])).toEqual([
      ['other-order', ['bonus']],
      ['cart-3', ['promotion']],
    ]);
    expect((await partner.balance('member')).body).toMatchObject({ balance: 0, available: 0, held: 0 });
  });

  it('reserves only lots that outlive the hold: points expiring before its end are not held', async () => {
    const { partner } = await tenantWith({});
    await partner.putAccount('member');
    // Noon tomorrow (UTC, the tenant's zone), so the lot below expires 12 hours later, whenever the test runs.
    const noon = new Date();
    noon.setUTCDate(noon.getUTCDate() + 1);
    noon.setUTCHours(12, 0, 0, 0);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(noon);
    // 30-day promotion points awarded 30 days ago: they expire at the end of today.
    const earned = await partner.earn({
      accountId: 'member',
      source: { type: 'promotion', campaignId: 'old', points: 8000, expiresInDays: 30 },
      occurredAt: new Date(noon.getTime() - 30 * 86_400_000).toISOString(),
    });
    expect(earned.status).toBe(201);
    const longHold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-long', holdSeconds: 86_400 });
    expect(longHold.status).toBe(422);
    expect(longHold.body).toMatchObject({ code: 'insufficient_points', available: 0 });
    const shortHold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-short', holdSeconds: 3600 });
    expect(shortHold.status).toBe(201);
  });
});

describe('release', () => {
  it('gives the points back and frees the order for another redemption', async () => {
    const { tenantId, partner } = await tenantWith({ member: 12_000 });
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-r' });
    const duplicate = await partner.redeem({ accountId: 'member', points: 5000, orderId: 'cart-r' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'duplicate_order', redemptionId: hold.body.redemptionId });

    const release = await partner.releaseHold(hold.body.redemptionId);
    expect(release.status).toBe(200);
    expect(release.body).toMatchObject({ status: 'released', balance: 12_000, available: 12_000, held: 0 });
    expect((await partner.redemption(hold.body.redemptionId)).body.status).toBe('released');
    const commitLate = await partner.commitHold(hold.body.redemptionId);
    expect(commitLate.status).toBe(409);
    expect(commitLate.body).toMatchObject({ code: 'redemption_not_held', redemptionStatus: 'released' });

    const again = await partner.hold({ accountId: 'member', points: 6000, orderId: 'cart-r' });
    expect(again.status).toBe(201);
    expect((await partner.commitHold(again.body.redemptionId)).status).toBe(200);
    expect((await partner.balance('member')).body).toMatchObject({ balance: 6000, held: 0 });
    await expectSound(tenantId);
  });
});

describe('rules on holds', () => {
  it('one redemption per order: a second hold of a held order is 409 duplicate_order', async () => {
    const { partner } = await tenantWith({ member: 20_000 });
    const first = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-d' });
    const second = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-d' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'duplicate_order', redemptionId: first.body.redemptionId });
  });

  it('held points are not available to anything else: a hold or redeem beyond what is left is insufficient_points', async () => {
    const { tenantId, partner } = await tenantWith({ member: 12_000 });
    expect((await partner.hold({ accountId: 'member', points: 8000, orderId: 'a' })).status).toBe(201);
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'b' });
    expect(hold.status).toBe(422);
    expect(hold.body).toMatchObject({ code: 'insufficient_points', available: 4000 });
    const redeem = await partner.redeem({ accountId: 'member', points: 5000, orderId: 'c' });
    expect(redeem.body).toMatchObject({ code: 'insufficient_points', available: 4000 });
    await expectSound(tenantId);
  });

  it('the anti-fraud rules count a hold as a redemption', async () => {
    const { partner } = await tenantWith({ member: 30_000 }, { maxPerHour: 1 });
    expect((await partner.hold({ accountId: 'member', points: 5000, orderId: 'f-1' })).status).toBe(201);
    const second = await partner.hold({ accountId: 'member', points: 5000, orderId: 'f-2' });
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ code: 'redemption_rate_limited', window: 'hour' });
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it(`at most ${MAX_OPEN_HOLDS} open holds an account: the next is 422 limit_exceeded`, async () => {
    const { partner } = await tenantWith({ member: 5000 * (MAX_OPEN_HOLDS + 1) });
    for (let i = 0; i < MAX_OPEN_HOLDS; i += 1) {
      expect((await partner.hold({ accountId: 'member', points: 5000, orderId: `h-${i}` })).status).toBe(201);
    }
    const over = await partner.hold({ accountId: 'member', points: 5000, orderId: 'h-over' });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: 'limit_exceeded', limit: MAX_OPEN_HOLDS, window: 'open holds' });
  });

  it('a redemption lock refuses holds and commits (423) but not releases', async () => {
    const { tenantId, partner } = await tenantWith({ member: 20_000 });
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'l-1' });
    const second = await partner.hold({ accountId: 'member', points: 5000, orderId: 'l-2' });
    const operator = await api.operator('ops-1', ['tenant_admin'], tenantId);
    const lock = await operator.call('POST', `/api/v1/admin/tenants/${tenantId}/accounts/member/locks`, {
      kind: 'redemption',
      reasonCode: 'fraud_suspected',
    });
    expect(lock.status).toBe(201);
    expect((await partner.hold({ accountId: 'member', points: 5000, orderId: 'l-3' })).status).toBe(423);
    expect((await partner.commitHold(hold.body.redemptionId)).status).toBe(423);
    expect((await partner.releaseHold(second.body.redemptionId)).status).toBe(200);
    await expectSound(tenantId);
  });

  it('a reversal during the hold takes the reserved points before making debt; the hold can then only be released', async () => {
    const { tenantId, partner } = await tenantWith({});
    await partner.putAccount('member');
    const earned = await partner.earn({ accountId: 'member', source: { type: 'purchase', orderId: 'buy-1', subtotalCents: 50_000 } });
    expect(earned.body.points).toBe(6000);
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-rev' });
    const reversal = await partner.reverse({ accountId: 'member', orderId: 'buy-1', points: 6000, reason: 'refund' });
    expect(reversal.status).toBe(201);
    // No points sit beside debt: the reversal took the held ones, so nothing is held any more.
    expect((await partner.balance('member')).body).toMatchObject({ balance: 0, debt: 0, held: 0, available: 0 });
    const commit = await partner.commitHold(hold.body.redemptionId);
    expect(commit.status).toBe(422);
    expect(commit.body.code).toBe('insufficient_points');
    expect((await partner.releaseHold(hold.body.redemptionId)).status).toBe(200);
    await expectSound(tenantId);
  });

  it("another tenant's redemption id is 404 on every route", async () => {
    const { partner } = await tenantWith({ member: 10_000 });
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'iso' });
    const { partner: stranger } = await tenantWith({ member: 10_000 });
    expect((await stranger.redemption(hold.body.redemptionId)).status).toBe(404);
    expect((await stranger.commitHold(hold.body.redemptionId)).status).toBe(404);
    expect((await stranger.releaseHold(hold.body.redemptionId)).status).toBe(404);
    expect((await partner.redemption(hold.body.redemptionId)).body.status).toBe('held');
  });

  it('bad input changes nothing: holdSeconds out of range, unknown members, a malformed id', async () => {
    const { tenantId, partner } = await tenantWith({ member: 10_000 });
    const before = await snapshotTenant(tenantId);
    for (const body of [
      { accountId: 'member', points: 5000, orderId: 'x', holdSeconds: 0 },
      { accountId: 'member', points: 5000, orderId: 'x', holdSeconds: 86_401 },
      { accountId: 'member', points: 5000, orderId: 'x', extra: true },
    ]) {
      const answer = await partner.hold(body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_error');
    }
    expect((await partner.commitHold('not-an-id')).status).toBe(400);
    expect((await snapshotTenant(tenantId)).accounts).toEqual(before.accounts);
  });
});

describe("the hold's timer (the RedemptionHold workflow, run locally from the same definition)", () => {
  const timerOf = (redemptionId: string) => {
    const executions = [...api.workflows.executions.values()].filter((execution) => execution.name === redemptionId);
    expect(executions).toHaveLength(1);
    return executions[0]!;
  };

  it('an unclaimed hold expires at its end (the tenant configured 1 s holds): points back, order free, record closed', async () => {
    const { tenantId, partner } = await tenantWith({ member: 12_000 }, { holdSeconds: 1 });
    const asked = Date.now();
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-t' });
    expect(hold.status).toBe(201);
    expect(Date.parse(hold.body.expiresAt) - asked).toBeGreaterThanOrEqual(1000);
    expect(Date.parse(hold.body.expiresAt) - asked).toBeLessThan(3000);
    const timer = timerOf(hold.body.redemptionId);
    expect(JSON.parse(timer.input)).toEqual({ tenantId, redemptionId: hold.body.redemptionId, expiresAt: hold.body.expiresAt });
    await timer.done;
    expect(timer.status).toBe('SUCCEEDED');
    expect(JSON.parse(timer.output!)).toEqual({ status: 'expired' });

    const view = await partner.redemption(hold.body.redemptionId);
    expect(view.body).toMatchObject({ status: 'expired', closedAt: expect.any(String) });
    expect(Date.parse(view.body.closedAt)).toBeGreaterThanOrEqual(Date.parse(hold.body.expiresAt));
    expect((await partner.balance('member')).body).toMatchObject({ balance: 12_000, available: 12_000, held: 0 });
    const audit = await expectSound(tenantId);
    expect(audit.holds[0]!.status).toBe('expired');
    expect(audit.accounts[0]!.wallets.points.holds).toBeUndefined();
    expect(audit.redemptions[0]!.hold).toMatchObject({ status: 'expired' });
    expect((await partner.redeem({ accountId: 'member', points: 5000, orderId: 'cart-t' })).status).toBe(201);
  });

  it('a hold committed before its end: the timer finds it closed and changes nothing', async () => {
    const { tenantId, partner } = await tenantWith({ member: 12_000 });
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-c', holdSeconds: 1 });
    const commit = await partner.commitHold(hold.body.redemptionId);
    expect(commit.status).toBe(200);
    const before = await snapshotTenant(tenantId);
    const timer = timerOf(hold.body.redemptionId);
    await timer.done;
    expect(JSON.parse(timer.output!)).toEqual({ status: 'committed' });
    const after = await snapshotTenant(tenantId);
    expect(after.holds).toEqual(before.holds);
    expect(after.accounts).toEqual(before.accounts);
  });

  it('a retried hold (same key) starts its timer once', async () => {
    const { partner } = await tenantWith({ member: 12_000 });
    const body = { accountId: 'member', points: 5000, orderId: 'cart-k' };
    const first = await partner.hold(body, key('hold-k'));
    const again = await partner.hold(body, key('hold-k'));
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(timerOf(first.body.redemptionId).status).toBe('RUNNING');
  });

  it('a hold past its end is expired by itself before the timer runs: not committable, its points available', async () => {
    const { partner } = await tenantWith({ member: 12_000 });
    const hold = await partner.hold({ accountId: 'member', points: 5000, orderId: 'cart-lazy', holdSeconds: 600 });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(hold.body.expiresAt) + 1000);
    expect(timerOf(hold.body.redemptionId).status).toBe('RUNNING');
    expect((await partner.redemption(hold.body.redemptionId)).body.status).toBe('expired');
    expect((await partner.balance('member')).body).toMatchObject({ available: 12_000, held: 0 });
    const commit = await partner.commitHold(hold.body.redemptionId);
    expect(commit.status).toBe(409);
    expect(commit.body).toMatchObject({ code: 'redemption_not_held', redemptionStatus: 'expired' });
    expect((await partner.hold({ accountId: 'member', points: 12_000, orderId: 'cart-lazy' })).status).toBe(201);
  });
});

describe('after a restart of the local service with kept data', () => {
  it('the timers of the holds still held are started again, with their own end, and no other', async () => {
    const { tenantId, partner } = await tenantWith({ member: 30_000 });
    const open = await partner.hold({ accountId: 'member', points: 5000, orderId: 'resume-open', holdSeconds: 600 });
    const committed = await partner.hold({ accountId: 'member', points: 5000, orderId: 'resume-committed' });
    await partner.commitHold(committed.body.redemptionId);
    const released = await partner.hold({ accountId: 'member', points: 5000, orderId: 'resume-released' });
    await partner.releaseHold(released.body.redemptionId);
    const { resumeOpenHolds } = await import('../../local/resume-holds.ts');
    const started: { workflow: string; name: string; input: Record<string, unknown> }[] = [];
    await resumeOpenHolds(async (workflow, name, input) => {
      started.push({ workflow, name, input });
    });
    // The scan reads the whole local table (other tests' holds too): this tenant's are the point.
    expect(started.filter((start) => start.input.tenantId === tenantId)).toEqual([
      {
        workflow: 'RedemptionHold',
        name: open.body.redemptionId,
        input: { tenantId, redemptionId: open.body.redemptionId, expiresAt: open.body.expiresAt },
      },
    ]);
  });
});
