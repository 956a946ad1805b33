import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLedgerEntries, auditAccount } from '../support/ledger-audit.ts';
import { operatorClient, partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';

let api: LocalApi;
let tenantId: string;
let partner: PartnerClient;
let admin: ReturnType<typeof operatorClient>;
let support: ReturnType<typeof operatorClient>;

beforeAll(async () => {
  api = await startLocalApi();
  const tenant = await api.newTenant();
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
  admin = operatorClient(api.baseUrl, await api.operatorToken(['tenant_admin'], tenantId));
  support = operatorClient(api.baseUrl, await api.operatorToken(['support'], tenantId));
});
afterAll(() => api?.close());

const locksPath = (accountId: string) => `/api/v1/admin/tenants/${tenantId}/accounts/${accountId}/locks`;
const lock = (accountId: string, body: Record<string, unknown>) => admin.call('POST', locksPath(accountId), body);
const lift = (accountId: string, lockId: string, reasonCode = 'review_cleared') =>
  admin.call('POST', `${locksPath(accountId)}/${lockId}/lift`, { reasonCode });

function expectBooksBalance(audit: Awaited<ReturnType<typeof auditAccount>>) {
  expect(audit.ledgerSum).toBe(audit.balance);
  expect(audit.lotsMinusDebt).toBe(audit.balance);
  expect(audit.chainBreak).toBeUndefined();
  expect(audit.headMatches).toBe(true);
  expect(audit.pageSummaryViolations).toEqual([]);
}

async function fundedAccount(accountId: string, points = 50_000) {
  expect((await partner.putAccount(accountId)).status).toBe(201);
  expect((await partner.earn({ accountId, source: { type: 'bonus', campaignId: 'fund', points } })).status).toBe(201);
}

describe('locks', () => {
  it('a redemption lock refuses redeems with 423 (kind and end shown, never the reason) until lifted; earns go on', async () => {
    await fundedAccount('lk-r');
    const applied = await lock('lk-r', { kind: 'redemption', reasonCode: 'fraud_suspected' });
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ accountId: 'lk-r', kind: 'redemption', reasonCode: 'fraud_suspected', status: 'active' });
    expect(applied.body.appliedBy).toMatchObject({ role: 'tenant_admin' });

    const refused = await partner.redeem({ accountId: 'lk-r', points: 5000, orderId: 'lk-r-1' });
    expect(refused.status).toBe(423);
    expect(refused.body).toMatchObject({ code: 'account_locked', lockKind: 'redemption' });
    expect(JSON.stringify(refused.body)).not.toContain('fraud_suspected');
    expect((await partner.earn({ accountId: 'lk-r', source: { type: 'bonus', campaignId: 'x', points: 10 } })).status).toBe(201);

    const view = await partner.getAccount('lk-r');
    expect(view.body.locks).toEqual([{ kind: 'redemption' }]);

    const lifted = await lift('lk-r', applied.body.lockId);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ lockId: applied.body.lockId, status: 'lifted', liftReasonCode: 'review_cleared' });
    expect((await partner.redeem({ accountId: 'lk-r', points: 5000, orderId: 'lk-r-2' })).status).toBe(201);
    expect((await partner.getAccount('lk-r')).body.locks).toEqual([]);
  });

  it('an account lock refuses earns and profile changes but never reversals', async () => {
    await fundedAccount('lk-a');
    expect((await partner.earn({ accountId: 'lk-a', source: { type: 'purchase', orderId: 'lk-a-o', subtotalCents: 10_000 } })).status).toBe(
      201,
    );
    const applied = await lock('lk-a', { kind: 'account', reasonCode: 'account_review' });
    expect(applied.status).toBe(201);
    const earn = await partner.earn({ accountId: 'lk-a', source: { type: 'bonus', campaignId: 'x', points: 10 } });
    expect(earn.status).toBe(423);
    const profile = await partner.putAccount('lk-a', { profile: { profileId: 'p-lk-a', role: 'CONSUMER' }, tier: 'Member' });
    expect(profile.status).toBe(423);
    expect((await partner.redeem({ accountId: 'lk-a', points: 5000, orderId: 'lk-a-r' })).status).toBe(423);
    const reversal = await partner.reverse({ accountId: 'lk-a', orderId: 'lk-a-o' });
    expect(reversal.status).toBe(201);
    expectBooksBalance(await auditAccount(tenantId, 'lk-a'));
  });

  it('a lock with an end stops applying by itself; an end in the past is refused', async () => {
    await fundedAccount('lk-u');
    const past = await lock('lk-u', { kind: 'redemption', reasonCode: 'other', until: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.code).toBe('validation_error');
    const soon = new Date(Date.now() + 60_000).toISOString();
    const applied = await lock('lk-u', { kind: 'redemption', reasonCode: 'member_request', until: soon });
    expect(applied.status).toBe(201);
    expect((await partner.getAccount('lk-u')).body.locks).toEqual([{ kind: 'redemption', until: soon }]);
    const refused = await partner.redeem({ accountId: 'lk-u', points: 5000, orderId: 'lk-u-1' });
    expect(refused.body).toMatchObject({ code: 'account_locked', lockedUntil: soon });
  });

  it('only admins apply and lift; support is 403; another tenant is 404; an unknown lock is 404', async () => {
    await fundedAccount('lk-p');
    expect((await support.call('POST', locksPath('lk-p'), { kind: 'account', reasonCode: 'other' })).status).toBe(403);
    const other = await api.newTenant();
    const otherAdmin = operatorClient(api.baseUrl, await api.operatorToken(['tenant_admin'], other.tenantId));
    expect((await otherAdmin.call('POST', locksPath('lk-p'), { kind: 'account', reasonCode: 'other' })).status).toBe(404);
    expect((await lock('nobody', { kind: 'account', reasonCode: 'other' })).status).toBe(404);
    const unknown = await lift('lk-p', '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect((await partner.getAccount('lk-p')).body.locks).toEqual([]);
  });

  it('bad input changes nothing', async () => {
    await fundedAccount('lk-b');
    for (const body of [
      {},
      { kind: 'everything', reasonCode: 'other' },
      { kind: 'account', reasonCode: 'because' },
      { kind: 'account', reasonCode: 'other', note: 'x' },
    ]) {
      const response = await lock('lk-b', body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_error');
    }
    expect((await partner.getAccount('lk-b')).body.locks).toEqual([]);
  });

  it('the operator ledger view shows each lock change between the entries it came after', async () => {
    await fundedAccount('lk-v');
    const applied = await lock('lk-v', { kind: 'transfer', reasonCode: 'compliance' });
    await partner.earn({ accountId: 'lk-v', source: { type: 'bonus', campaignId: 'after', points: 5 } });
    await lift('lk-v', applied.body.lockId, 'resolved');
    const ledger = await admin.call('GET', `/api/v1/admin/tenants/${tenantId}/accounts/lk-v/ledger`);
    expect(ledger.status).toBe(200);
    expect(ledger.body.items.map((entry: { seq: number }) => entry.seq)).toEqual([2, 1]);
    expect(ledger.body.events.map((event: { type: string; pointsSeq: number }) => [event.type, event.pointsSeq])).toEqual([
      ['lock.lifted', 2],
      ['lock.applied', 1],
    ]);
    expect(ledger.body.events[0]).toMatchObject({
      reasonCode: 'resolved',
      lock: { lockId: applied.body.lockId, reasonCode: 'compliance' },
    });
    // Paged one entry at a time, each event shows once, on the page of the entry it followed.
    const first = await admin.call('GET', `/api/v1/admin/tenants/${tenantId}/accounts/lk-v/ledger?limit=1`);
    const second = await admin.call(
      'GET',
      `/api/v1/admin/tenants/${tenantId}/accounts/lk-v/ledger?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(first.body.events.map((event: { type: string }) => event.type)).toEqual(['lock.lifted']);
    expect(second.body.events.map((event: { type: string }) => event.type)).toEqual(['lock.applied']);
  });
});

describe('a lock racing redeems', () => {
  it('no redeem commits after the lock: every successful one precedes it in the wallet sequence', async () => {
    await fundedAccount('lk-race', 1_000_000);
    const redeems = Array.from({ length: 30 }, (_, i) => partner.redeem({ accountId: 'lk-race', points: 5000, orderId: `race-${i}` }));
    // The operator retries with the same key until the answer is definitive, as clients are told to.
    const locked = (async () => {
      const headers = { 'idempotency-key': 'race-lock' };
      for (let attempt = 1; ; attempt += 1) {
        const answer = await admin.call('POST', locksPath('lk-race'), { kind: 'redemption', reasonCode: 'fraud_suspected' }, headers);
        if (![409, 503].includes(answer.status) || attempt === 10) return answer;
      }
    })();
    const [lockAnswer, ...answers] = await Promise.all([locked, ...redeems]);
    expect(lockAnswer.status).toBe(201);
    // A redeem that kept losing the race to the others answers "try again" (409 or 503, with
    // Retry-After, nothing written); none is a 500.
    for (const answer of answers) {
      expect([201, 409, 423, 503]).toContain(answer.status);
      if (answer.status === 409 || answer.status === 503) expect(answer.headers.get('retry-after')).toBeTruthy();
    }
    const ledger = await admin.call('GET', `/api/v1/admin/tenants/${tenantId}/accounts/lk-race/ledger?limit=100`);
    const applied = ledger.body.events.find((event: { type: string }) => event.type === 'lock.applied');
    const redeemed = (await allLedgerEntries(tenantId, 'lk-race')).filter((entry) => entry.type === 'REDEEM');
    expect(redeemed.length).toBe(answers.filter((answer) => answer.status === 201).length);
    for (const entry of redeemed) expect(entry.seq).toBeLessThanOrEqual(applied.pointsSeq);
    // After the lock, every redeem is refused.
    expect((await partner.redeem({ accountId: 'lk-race', points: 5000, orderId: 'race-after' })).status).toBe(423);
    expectBooksBalance(await auditAccount(tenantId, 'lk-race'));
  });
});
