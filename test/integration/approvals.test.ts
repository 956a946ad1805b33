import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { allLedgerEntries, auditAccount } from '../support/ledger-audit.ts';
import {
  type operatorClient,
  partnerClient,
  startPartnerApi,
  type ApiResponse,
  type LocalApi,
  type PartnerClient,
} from '../support/local-api.ts';

/**
 * Approval requests end to end through the local gateway and the local Step Functions: the
 * Approval workflow's definition, its tasks and the callback, as deployed.
 */

let api: LocalApi;
let tenantId: string;
let partner: PartnerClient;
type Operator = ReturnType<typeof operatorClient>;
let requester: Operator;
let admin2: Operator;
let admin3: Operator;
let platform: Operator;
let support: Operator;

const operator = (subject: string, roles: string[], tenant?: string): Promise<Operator> => api.operator(subject, roles, tenant);

beforeAll(async () => {
  ({ api, tenantId, partner } = await startPartnerApi());
  requester = await operator('admin-1', ['tenant_admin'], tenantId);
  admin2 = await operator('admin-2', ['tenant_admin'], tenantId);
  admin3 = await operator('admin-3', ['tenant_admin'], tenantId);
  platform = await operator('platform-1', ['platform_admin']);
  support = await operator('support-1', ['support'], tenantId);
});
afterAll(() => api?.close());

const base = () => `/api/v1/admin/tenants/${tenantId}`;
const adjust = (by: Operator, body: Record<string, unknown>, headers?: Record<string, string>) =>
  by.call('POST', `${base()}/adjustments`, body, headers);
const approveBy = (by: Operator, approvalId: string, note?: string) =>
  by.call('POST', `${base()}/approvals/${approvalId}/approve`, note ? { note } : {});
const rejectBy = (by: Operator, approvalId: string, reasonCode = 'not_justified') =>
  by.call('POST', `${base()}/approvals/${approvalId}/reject`, { reasonCode });
const show = (approvalId: string) => requester.call('GET', `${base()}/approvals/${approvalId}`);

/** The workflow applies in the background: read the request until it leaves `approved` (no fixed sleep). */
async function settled(approvalId: string): Promise<ApiResponse> {
  return vi.waitFor(
    async () => {
      const response = await show(approvalId);
      if (response.body.status === 'approved') throw new Error('still being applied');
      return response;
    },
    { timeout: 15_000, interval: 50 },
  );
}

async function account(accountId: string, points = 0) {
  expect((await partner.putAccount(accountId)).status).toBe(201);
  if (points > 0) expect((await partner.earn({ accountId, source: { type: 'bonus', campaignId: 'fund', points } })).status).toBe(201);
}

const body = (accountId: string, points: number, reasonCode = 'goodwill') => ({
  accountId,
  points,
  reasonCode,
  ticket: 'SUP-1234',
  note: 'member reported a missing stream reward',
});

describe('adjustments through approval requests', () => {
  it('50 points: the requester may not approve, a second tenant admin does, and it is applied once with reason and ticket', async () => {
    await account('ap-50', 1000);
    const requested = await adjust(requester, body('ap-50', 50));
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ status: 'pending', required: { tenant_admin: 1, platform_admin: 0 }, kind: 'adjustment' });
    const { approvalId } = requested.body;

    const own = await approveBy(requester, approvalId);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('approver_not_allowed');
    expect((await partner.balance('ap-50')).body.balance).toBe(1000);

    const approved = await approveBy(admin2, approvalId, 'checked the stream log');
    expect(approved.status).toBe(200);
    const done = await settled(approvalId);
    expect(done.body.status).toBe('applied');
    expect(done.body.outcome.transactionId).toEqual(expect.any(String));
    expect(done.body.approvals).toEqual([
      expect.objectContaining({ by: { id: 'admin-2', role: 'tenant_admin' }, as: 'tenant_admin', note: 'checked the stream log' }),
    ]);

    expect((await partner.balance('ap-50')).body.balance).toBe(1050);
    const entries = (await allLedgerEntries(tenantId, 'ap-50')).filter((entry) => entry.type === 'ADJUSTMENT');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      amount: 50,
      reasonCode: 'goodwill',
      adjustment: { approvalId, ticket: 'SUP-1234', note: 'member reported a missing stream reward' },
      transactionId: done.body.outcome.transactionId,
    });
    const audit = await auditAccount(tenantId, 'ap-50');
    expect(audit.ledgerSum).toBe(audit.balance);
    expect(audit.lotsMinusDebt).toBe(audit.balance);

    // Partners see the entry, never the note, ticket or approval.
    const seen = await partner.transactions('accountId=ap-50');
    const partnerEntry = seen.body.items.find((item: { type: string }) => item.type === 'ADJUSTMENT');
    expect(partnerEntry).toMatchObject({ points: 50, reasonCode: 'goodwill' });
    expect(JSON.stringify(seen.body)).not.toMatch(/SUP-1234|stream log|missing stream reward/);

    // Approving again, or again by another admin: nothing more to approve, nothing applied twice.
    expect((await approveBy(admin2, approvalId)).body.code).toBe('approval_not_pending');
    expect((await approveBy(admin3, approvalId)).status).toBe(409);
    expect((await partner.balance('ap-50')).body.balance).toBe(1050);
  });

  it('300 points needs two distinct tenant admins; the same admin twice is 409 already_approved', async () => {
    await account('ap-300', 0);
    const { approvalId } = (await adjust(requester, body('ap-300', 300))).body;
    const first = await approveBy(admin2, approvalId);
    expect(first.body).toMatchObject({ status: 'pending', required: { tenant_admin: 2, platform_admin: 0 } });
    const twice = await approveBy(admin2, approvalId);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already_approved');
    expect((await partner.balance('ap-300')).body.balance).toBe(0);
    await approveBy(admin3, approvalId);
    expect((await settled(approvalId)).body.status).toBe('applied');
    expect((await partner.balance('ap-300')).body.balance).toBe(300);
  });

  it('1000 points needs two tenant admins and a platform admin', async () => {
    await account('ap-1000', 0);
    const { approvalId, required } = (await adjust(requester, body('ap-1000', 1000))).body;
    expect(required).toEqual({ tenant_admin: 2, platform_admin: 1 });
    await approveBy(admin2, approvalId);
    const two = await approveBy(admin3, approvalId);
    expect(two.body.status).toBe('pending');
    expect((await partner.balance('ap-1000')).body.balance).toBe(0);
    await approveBy(platform, approvalId);
    expect((await settled(approvalId)).body.status).toBe('applied');
    expect((await partner.balance('ap-1000')).body.balance).toBe(1000);
  });

  it('a debit may leave debt (a clawback)', async () => {
    await account('ap-debit', 30);
    const { approvalId } = (await adjust(requester, body('ap-debit', -80, 'fraud_recovery'))).body;
    await approveBy(admin2, approvalId);
    expect((await settled(approvalId)).body.status).toBe('applied');
    const balance = (await partner.balance('ap-debit')).body;
    expect(balance.balance).toBe(-50);
    const audit = await auditAccount(tenantId, 'ap-debit');
    expect(audit.ledgerSum).toBe(-50);
    expect(audit.lotsMinusDebt).toBe(-50);
  });

  it('one rejection ends the request: nothing is applied, and it can be decided no more', async () => {
    await account('ap-reject', 0);
    const { approvalId } = (await adjust(requester, body('ap-reject', 300))).body;
    await approveBy(admin2, approvalId);
    const rejected = await rejectBy(admin3, approvalId, 'wrong_amount');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejection: { by: { id: 'admin-3' }, reasonCode: 'wrong_amount' } });
    expect((await approveBy(platform, approvalId)).body.code).toBe('approval_not_pending');
    const execution = api.workflows.executions.get(
      `${api.workflows.arns.Approval!.replace(':stateMachine:', ':execution:')}:adjustment-${approvalId}`,
    );
    await execution!.done;
    expect(execution!.status).toBe('SUCCEEDED');
    expect((await partner.balance('ap-reject')).body.balance).toBe(0);
    expect((await show(approvalId)).body.status).toBe('rejected');
  });

  it('support may request a service credit of up to 100 points, nothing else, and may not approve', async () => {
    await account('ap-support', 0);
    const credit = await adjust(support, body('ap-support', 100, 'service_credit'));
    expect(credit.status).toBe(202);
    expect((await adjust(support, body('ap-support', 101, 'service_credit'))).status).toBe(403);
    expect((await adjust(support, body('ap-support', 50, 'goodwill'))).status).toBe(403);
    expect((await approveBy(support, credit.body.approvalId)).status).toBe(403);
    await approveBy(requester, credit.body.approvalId);
    expect((await settled(credit.body.approvalId)).body.status).toBe('applied');
  });

  it('lists pending requests and shows the requests and decisions in the operator ledger view', async () => {
    await account('ap-list', 0);
    const one = (await adjust(requester, body('ap-list', 20))).body.approvalId;
    const two = (await adjust(requester, body('ap-list', 30))).body.approvalId;
    const pending = await requester.call('GET', `${base()}/approvals?status=pending`);
    expect(pending.status).toBe(200);
    const ids = pending.body.items.map((item: { approvalId: string }) => item.approvalId);
    expect(ids).toEqual(expect.arrayContaining([one, two]));
    await rejectBy(admin2, two);
    const after = await requester.call('GET', `${base()}/approvals?status=pending`);
    expect(after.body.items.map((item: { approvalId: string }) => item.approvalId)).not.toContain(two);
    const rejectedList = await requester.call('GET', `${base()}/approvals?status=rejected`);
    expect(rejectedList.body.items.map((item: { approvalId: string }) => item.approvalId)).toContain(two);

    const ledger = await requester.call('GET', `${base()}/accounts/ap-list/ledger`);
    const events = ledger.body.events.map((event: { type: string; approval: { approvalId: string } }) => [
      event.type,
      event.approval.approvalId,
    ]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['approval.requested', one],
        ['approval.requested', two],
        ['approval.rejected', two],
      ]),
    );
  });

  it('bad input changes nothing and says what is wrong', async () => {
    await account('ap-bad', 0);
    const zero = await adjust(requester, body('ap-bad', 0));
    expect(zero.status).toBe(400);
    expect(JSON.stringify(zero.body)).toContain('points');
    expect((await adjust(requester, { ...body('ap-bad', 5), reasonCode: 'bribe' })).status).toBe(400);
    expect((await adjust(requester, body('nobody-here', 5))).status).toBe(404);
    expect((await show('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const pending = await requester.call('GET', `${base()}/approvals`);
    expect(pending.body.items.filter((item: { action: { accountId: string } }) => item.action.accountId === 'ap-bad')).toEqual([]);
  });

  it('a retried request (same Idempotency-Key) is one request with one workflow', async () => {
    await account('ap-retry', 0);
    const headers = { 'idempotency-key': `ap-retry-${Date.now()}` };
    const first = await adjust(requester, body('ap-retry', 40), headers);
    const again = await adjust(requester, body('ap-retry', 40), headers);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.approvalId).toBe(first.body.approvalId);
    const runs = [...api.workflows.executions.values()].filter((execution) => execution.name.endsWith(first.body.approvalId));
    expect(runs).toHaveLength(1);
  });
});

describe('after a restart of the local service with kept data', () => {
  it('the workflows of requests still open (pending) are started again with the wait left; decided ones are not', async () => {
    await account('resume-1');
    const pending = await adjust(requester, body('resume-1', 40));
    const rejected = await adjust(requester, body('resume-1', 30));
    expect((await rejectBy(admin2, rejected.body.approvalId)).status).toBe(200);
    const { resumeOpenApprovals } = await import('../../local/resume-approvals.ts');
    const started: { workflow: string; name: string; input: Record<string, unknown> }[] = [];
    await resumeOpenApprovals(async (workflow, name, input) => {
      started.push({ workflow, name, input });
    });
    // The scan reads the whole local table (other tests' requests too): this tenant's are the point.
    const mine = started.filter((start) => start.input.tenantId === tenantId && start.input.approvalId !== undefined);
    expect(mine.map((start) => start.input.approvalId)).toContain(pending.body.approvalId);
    expect(mine.map((start) => start.input.approvalId)).not.toContain(rejected.body.approvalId);
    const resumed = mine.find((start) => start.input.approvalId === pending.body.approvalId)!;
    expect(resumed.workflow).toBe('Approval');
    // The wait left: about the request's remaining life (7 days), never the whole again from now plus more.
    expect(resumed.input.waitSeconds).toBeGreaterThan(6 * 86_400);
    expect(resumed.input.waitSeconds).toBeLessThanOrEqual(7 * 86_400 + 2);
  });
});

describe('expiry', () => {
  it('a request not decided within the tenant’s expiry expires (a few seconds, by configuration) and can no longer be approved', async () => {
    const platformAdmin = await operator('platform-expiry', ['platform_admin']);
    const shortLived = `exp${Date.now().toString(36)}`;
    const created = await platformAdmin.call('POST', '/api/v1/admin/tenants', {
      tenantId: shortLived,
      displayName: 'Short approvals',
      approvals: { expiryDays: 2 / 86_400 },
    });
    expect(created.status).toBe(201);
    expect(created.body.approvals.expiryDays).toBeCloseTo(2 / 86_400);
    const key = await platformAdmin.call('POST', `/api/v1/admin/tenants/${shortLived}/keys`, { scopes: ['accounts', 'read'] });
    const member = partnerClient(api.baseUrl, key.body.key);
    expect((await member.putAccount('ap-exp')).status).toBe(201);
    const admin = await operator('exp-admin-1', ['tenant_admin'], shortLived);
    const other = await operator('exp-admin-2', ['tenant_admin'], shortLived);
    const requested = await admin.call('POST', `/api/v1/admin/tenants/${shortLived}/adjustments`, body('ap-exp', 10));
    expect(requested.status).toBe(202);
    const { approvalId } = requested.body;
    const execution = [...api.workflows.executions.values()].find((run) => run.name.endsWith(approvalId))!;
    // The workflow's own timeout ends the wait (TimeoutSecondsPath), and its next step marks the request.
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    const shown = await admin.call('GET', `/api/v1/admin/tenants/${shortLived}/approvals/${approvalId}`);
    expect(shown.body.status).toBe('expired');
    const late = await other.call('POST', `/api/v1/admin/tenants/${shortLived}/approvals/${approvalId}/approve`, {});
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('approval_not_pending');
    const expiredList = await admin.call('GET', `/api/v1/admin/tenants/${shortLived}/approvals?status=expired`);
    expect(expiredList.body.items.map((item: { approvalId: string }) => item.approvalId)).toContain(approvalId);
    expect((await member.balance('ap-exp')).body.balance).toBe(0);
  });
});
