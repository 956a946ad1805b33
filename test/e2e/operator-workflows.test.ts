import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { operatorClient, partnerClient, type ApiResponse, type PartnerClient } from '../support/local-api.ts';
import { killLeftoverServices, startService, type RunningService } from '../support/local-service.ts';

/**
 * The operator workflows as an operator meets them: against `npm start` (its own process, its
 * own DynamoDB Local, its local Step Functions running the Approval workflow from the deployed
 * definition), over HTTP only, with operator tokens minted by the CLI.
 */

const run = promisify(execFile);
let localDir: string;
let service: RunningService;
let partner: PartnerClient;
type Operator = ReturnType<typeof operatorClient>;
const ops: Record<'requester' | 'second' | 'third' | 'platform', Operator> = {} as never;

async function token(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/operator-token.ts', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, RRR_LOCAL_DIR: localDir },
  });
  return stdout.trim();
}

beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'rrr-workflows-'));
  service = await startService(localDir, ['--in-memory']);
  const { baseUrl, partnerKey, tenantAdminToken, platformAdminToken } = service.credentials;
  partner = partnerClient(baseUrl, partnerKey);
  ops.requester = operatorClient(baseUrl, tenantAdminToken);
  ops.second = operatorClient(baseUrl, await token(['--role', 'tenant_admin', '--tenant', 'demo', '--subject', 'e2e-admin-2']));
  ops.third = operatorClient(baseUrl, await token(['--role', 'tenant_admin', '--tenant', 'demo', '--subject', 'e2e-admin-3']));
  ops.platform = operatorClient(baseUrl, platformAdminToken);
});

afterAll(async () => {
  if (service) expect(await service.stop()).toBe(0);
  await killLeftoverServices();
  await rm(localDir, { recursive: true, force: true });
});

const demo = '/api/v1/admin/tenants/demo';
const adjust = (accountId: string, points: number) =>
  ops.requester.call('POST', `${demo}/adjustments`, { accountId, points, reasonCode: 'correction', ticket: 'OPS-77', note: 'e2e walk' });
const approve = (by: Operator, approvalId: string) => by.call('POST', `${demo}/approvals/${approvalId}/approve`, {});

/** The request once the workflow is done with it: read until it leaves `approved` (no fixed sleep). */
function settled(approvalId: string, path = `${demo}/approvals/${approvalId}`, by: Operator = ops.requester): Promise<ApiResponse> {
  return vi.waitFor(
    async () => {
      const response = await by.call('GET', path);
      if (response.body.status === 'approved' || response.body.status === 'pending') throw new Error(`still ${response.body.status}`);
      return response;
    },
    { timeout: 20_000, interval: 100 },
  );
}

async function adjustmentEntries(accountId: string) {
  const ledger = await ops.platform.call('GET', `${demo}/accounts/${accountId}/ledger?limit=100`);
  expect(ledger.status).toBe(200);
  return (ledger.body.items as { type: string; amount: number; reasonCode?: string; adjustment?: Record<string, string> }[]).filter(
    (entry) => entry.type === 'ADJUSTMENT',
  );
}

describe('approvals against npm start', () => {
  it('50 points: refused to its requester, approved by a second tenant admin, applied exactly once with reason and ticket', async () => {
    expect((await partner.putAccount('wf-50')).status).toBe(201);
    const requested = await adjust('wf-50', 50);
    expect(requested.status).toBe(202);
    const { approvalId } = requested.body;
    const own = await approve(ops.requester, approvalId);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('approver_not_allowed');
    expect((await approve(ops.second, approvalId)).status).toBe(200);
    const done = await settled(approvalId);
    expect(done.body.status).toBe('applied');
    expect((await partner.balance('wf-50')).body.balance).toBe(50);
    const entries = await adjustmentEntries('wf-50');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ amount: 50, reasonCode: 'correction', adjustment: { approvalId, ticket: 'OPS-77' } });
    // The same approval again, by the same or a third admin, applies nothing more.
    expect((await approve(ops.second, approvalId)).status).toBe(409);
    expect((await approve(ops.third, approvalId)).status).toBe(409);
    expect(await adjustmentEntries('wf-50')).toHaveLength(1);
  });

  it('300 points needs two tenant admins; 1000 points two tenant admins and a platform admin', async () => {
    expect((await partner.putAccount('wf-big')).status).toBe(201);
    const mid = (await adjust('wf-big', 300)).body.approvalId;
    expect((await approve(ops.second, mid)).body.status).toBe('pending');
    await approve(ops.third, mid);
    expect((await settled(mid)).body.status).toBe('applied');

    const big = (await adjust('wf-big', 1000)).body;
    expect(big.required).toEqual({ tenant_admin: 2, platform_admin: 1 });
    await approve(ops.second, big.approvalId);
    expect((await approve(ops.third, big.approvalId)).body.status).toBe('pending');
    expect((await partner.balance('wf-big')).body.balance).toBe(300);
    await approve(ops.platform, big.approvalId);
    expect((await settled(big.approvalId)).body.status).toBe('applied');
    expect((await partner.balance('wf-big')).body.balance).toBe(1300);
    expect(await adjustmentEntries('wf-big')).toHaveLength(2);
  });

  it('a rejection ends the request and nothing is applied', async () => {
    expect((await partner.putAccount('wf-no')).status).toBe(201);
    const { approvalId } = (await adjust('wf-no', 300)).body;
    const rejected = await ops.second.call('POST', `${demo}/approvals/${approvalId}/reject`, { reasonCode: 'insufficient_evidence' });
    expect(rejected.body.status).toBe('rejected');
    expect((await approve(ops.third, approvalId)).body.code).toBe('approval_not_pending');
    expect((await partner.balance('wf-no')).body.balance).toBe(0);
    expect(await adjustmentEntries('wf-no')).toHaveLength(0);
  });

  it('a request nobody decides expires after the tenant’s configured wait (seconds here), and can no longer be approved', async () => {
    const tenantId = 'wf-expiry';
    const created = await ops.platform.call('POST', '/api/v1/admin/tenants', {
      tenantId,
      displayName: 'Short approvals',
      approvals: { expiryDays: 2 / 86_400 },
    });
    expect(created.status).toBe(201);
    const key = await ops.platform.call('POST', `/api/v1/admin/tenants/${tenantId}/keys`, { scopes: ['accounts', 'read'] });
    const member = partnerClient(service.credentials.baseUrl, key.body.key);
    expect((await member.putAccount('wf-late')).status).toBe(201);
    const requester = operatorClient(service.credentials.baseUrl, await token(['--role', 'tenant_admin', '--tenant', tenantId]));
    const other = operatorClient(
      service.credentials.baseUrl,
      await token(['--role', 'tenant_admin', '--tenant', tenantId, '--subject', 'wf-expiry-2']),
    );
    const requested = await requester.call('POST', `/api/v1/admin/tenants/${tenantId}/adjustments`, {
      accountId: 'wf-late',
      points: 10,
      reasonCode: 'goodwill',
      ticket: 'OPS-78',
      note: 'left undecided',
    });
    expect(requested.status).toBe(202);
    const path = `/api/v1/admin/tenants/${tenantId}/approvals/${requested.body.approvalId}`;
    // Expired in the store, by the workflow's own timeout, not only as read past its time.
    const expired = await vi.waitFor(
      async () => {
        const list = await requester.call('GET', `/api/v1/admin/tenants/${tenantId}/approvals?status=expired`);
        const found = list.body.items.find((item: { approvalId: string }) => item.approvalId === requested.body.approvalId);
        if (!found) throw new Error('not expired yet');
        return found;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(expired.status).toBe('expired');
    expect((await requester.call('GET', path)).body.status).toBe('expired');
    const late = await other.call('POST', `${path}/approve`, {});
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('approval_not_pending');
    expect((await member.balance('wf-late')).body.balance).toBe(0);
  });
});

describe('a lock racing redeems', () => {
  it('no redeem commits after the lock: each one either landed before it or is refused 423', async () => {
    for (let round = 0; round < 5; round += 1) {
      const accountId = `wf-race-${round}`;
      expect((await partner.putAccount(accountId)).status).toBe(201);
      expect((await partner.earn({ accountId, source: { type: 'bonus', campaignId: 'race', points: 50_000 } })).status).toBe(201);
      const redeems = Array.from({ length: 4 }, (_, i) => partner.redeem({ accountId, points: 5000, orderId: `${accountId}-${i}` }));
      const lock = ops.requester.call('POST', `${demo}/accounts/${accountId}/locks`, { kind: 'redemption', reasonCode: 'fraud_suspected' });
      const [locked, ...answers] = await Promise.all([lock, ...redeems]);
      expect(locked.status).toBe(201);
      for (const answer of answers) expect([201, 423], JSON.stringify(answer.body)).toContain(answer.status);

      const ledger = await ops.platform.call('GET', `${demo}/accounts/${accountId}/ledger?limit=100`);
      const lockEvent = ledger.body.events.find((event: { type: string }) => event.type === 'lock.applied');
      const redeemed = ledger.body.items.filter((entry: { type: string }) => entry.type === 'REDEEM');
      // Every redeem that committed did so before the lock (its entry is within the sequence the lock saw).
      for (const entry of redeemed) expect(entry.seq).toBeLessThanOrEqual(lockEvent.pointsSeq);
      expect(redeemed).toHaveLength(answers.filter((answer) => answer.status === 201).length);
      // And after it, every redeem is refused.
      const after = await partner.redeem({ accountId, points: 5000, orderId: `${accountId}-after` });
      expect(after.status).toBe(423);
      expect((await partner.balance(accountId)).body.balance).toBe(50_000 - 5000 * redeemed.length);
    }
  });
});
