import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { partnerClient } from '../support/local-api.ts';
import { killLeftoverServices, startService, type RunningService } from '../support/local-service.ts';

const run = promisify(execFile);
let localDir: string;
let service: RunningService;

beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'rrr-cli-'));
  service = await startService(localDir, ['--in-memory']);
});

afterAll(async () => {
  if (service) expect(await service.stop()).toBe(0);
  await killLeftoverServices();
  await rm(localDir, { recursive: true, force: true });
});

/** A CLI run that may refuse: exit code and stdout (the problem's JSON on a refusal). */
function cliResult(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, RRR_LOCAL_DIR: localDir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: stdout.trim(), stderr }),
    );
  });
}

async function cli(script: string, args: string[]) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, RRR_LOCAL_DIR: localDir },
  });
  return stdout.trim();
}

describe('operator CLIs against npm start', () => {
  it('creates a tenant and a partner key with the printed platform token, and the key works', async () => {
    const tenant = JSON.parse(await cli('scripts/admin.ts', ['create-tenant', '--tenant', 'cli-co', '--name', 'CLI Co']));
    expect(tenant).toMatchObject({ tenantId: 'cli-co', timeZone: 'America/Toronto' });
    const created = JSON.parse(await cli('scripts/admin.ts', ['create-key', '--tenant', 'cli-co', '--scopes', 'accounts,earn,read']));
    expect(created.key).toMatch(/^rrr_/);
    const partner = partnerClient(service.credentials.baseUrl, created.key);
    expect((await partner.putAccount('m1')).status).toBe(201);
    const listed = JSON.parse(await cli('scripts/admin.ts', ['list-keys', '--tenant', 'cli-co']));
    expect(listed.items.map((k: { keyId: string }) => k.keyId)).toContain(created.keyId);

    const locked = JSON.parse(
      await cli('scripts/admin.ts', ['lock', '--tenant', 'cli-co', '--account', 'm1', '--kind', 'account', '--reason', 'account_review']),
    );
    expect(locked).toMatchObject({ accountId: 'm1', kind: 'account', status: 'active' });
    expect((await partner.putAccount('m1')).status).toBe(423);
    const lifted = JSON.parse(
      await cli('scripts/admin.ts', [
        'unlock',
        '--tenant',
        'cli-co',
        '--account',
        'm1',
        '--lock',
        locked.lockId,
        '--reason',
        'review_cleared',
      ]),
    );
    expect(lifted).toMatchObject({ lockId: locked.lockId, status: 'lifted' });
    expect((await partner.putAccount('m1')).status).toBe(200);
  });

  it('mints operator tokens per role that the service accepts and scopes', async () => {
    const support = await cli('scripts/operator-token.ts', ['--role', 'support', '--tenant', 'demo']);
    const base = service.credentials.baseUrl;
    const own = await fetch(`${base}/api/v1/admin/tenants/demo/keys`, { headers: { authorization: `Bearer ${support}` } });
    expect(own.status).toBe(200);
    const write = await fetch(`${base}/api/v1/admin/tenants/demo/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${support}`, 'content-type': 'application/json', 'idempotency-key': 'k1' },
      body: JSON.stringify({ scopes: ['read'] }),
    });
    expect(write.status).toBe(403);
  });

  it('adjusts a balance through an approval: request, refused self-approval, a second admin applies it once; rejects; lists', async () => {
    const { baseUrl, partnerKey, tenantAdminToken } = service.credentials;
    const partner = partnerClient(baseUrl, partnerKey);
    expect((await partner.putAccount('cli-adj-1')).status).toBe(201);
    const admin = (args: string[], token: string) => cli('scripts/admin.ts', [...args, '--token', token]).then(JSON.parse);
    const second = await cli('scripts/operator-token.ts', ['--role', 'tenant_admin', '--tenant', 'demo', '--subject', 'cli-second-admin']);

    const requested = await admin(
      [
        'adjust',
        '--tenant',
        'demo',
        '--account',
        'cli-adj-1',
        '--points',
        '50',
        '--reason',
        'goodwill',
        '--ticket',
        'SUP-1',
        '--note',
        'late delivery',
      ],
      tenantAdminToken,
    );
    expect(requested).toMatchObject({
      status: 'pending',
      required: { tenant_admin: 1, platform_admin: 0 },
      action: { accountId: 'cli-adj-1', points: 50, reasonCode: 'goodwill', ticket: 'SUP-1' },
    });
    const id: string = requested.approvalId;
    const pending = await admin(['approvals', 'list', '--tenant', 'demo'], tenantAdminToken);
    expect(pending.items.map((r: { approvalId: string }) => r.approvalId)).toContain(id);

    // The requester may not approve their own request: exit 1 with the problem on stdout.
    const own = await cliResult('scripts/admin.ts', ['approvals', 'approve', '--tenant', 'demo', '--id', id, '--token', tenantAdminToken]);
    expect(own.code).toBe(1);
    expect(JSON.parse(own.stdout)).toMatchObject({ status: 403, code: 'approver_not_allowed' });

    const approved = await admin(['approvals', 'approve', '--tenant', 'demo', '--id', id, '--note', 'ok'], second);
    expect(['approved', 'applied']).toContain(approved.status);
    const applied = await vi.waitFor(
      async () => {
        const shown = await admin(['approvals', 'show', '--tenant', 'demo', '--id', id], second);
        expect(shown.status).toBe('applied');
        return shown;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(applied.outcome.transactionId).toEqual(expect.any(String));
    expect(applied.approvals).toMatchObject([{ by: { id: 'cli-second-admin' }, as: 'tenant_admin', note: 'ok' }]);
    expect((await partner.balance('cli-adj-1')).body).toMatchObject({ balance: 50 });

    // Once applied it stays applied: another approval is refused and the balance moved once.
    const again = await cliResult('scripts/admin.ts', ['approvals', 'approve', '--tenant', 'demo', '--id', id, '--token', second]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 409, code: 'approval_not_pending' });
    expect((await partner.balance('cli-adj-1')).body).toMatchObject({ balance: 50 });
    const history = await partner.transactions('accountId=cli-adj-1');
    expect(history.body.items).toMatchObject([{ type: 'ADJUSTMENT', points: 50 }]);
    expect(history.body.items[0]).not.toHaveProperty('adjustment');

    // A rejection ends a request: nothing is applied.
    const doomed = await admin(
      [
        'adjust',
        '--tenant',
        'demo',
        '--account',
        'cli-adj-1',
        '--points',
        '-20',
        '--reason',
        'correction',
        '--ticket',
        'SUP-2',
        '--note',
        'typo',
      ],
      tenantAdminToken,
    );
    expect(doomed.action.points).toBe(-20);
    const rejected = await admin(['approvals', 'reject', '--tenant', 'demo', '--id', doomed.approvalId, '--reason', 'duplicate'], second);
    expect(rejected).toMatchObject({ status: 'rejected', rejection: { by: { id: 'cli-second-admin' }, reasonCode: 'duplicate' } });
    expect((await partner.balance('cli-adj-1')).body).toMatchObject({ balance: 50 });
    const listedRejected = await admin(['approvals', 'list', '--tenant', 'demo', '--status', 'rejected'], second);
    expect(listedRejected.items.map((r: { approvalId: string }) => r.approvalId)).toEqual([doomed.approvalId]);

    // A larger request waits for two tenant admins; the pending list shows it, not the decided ones.
    const large = await admin(
      [
        'adjust',
        '--tenant',
        'demo',
        '--account',
        'cli-adj-1',
        '--points',
        '200',
        '--reason',
        'goodwill',
        '--ticket',
        'SUP-3',
        '--note',
        'outage',
      ],
      tenantAdminToken,
    );
    expect(large.required).toEqual({ tenant_admin: 2, platform_admin: 0 });
    const half = await admin(['approvals', 'approve', '--tenant', 'demo', '--id', large.approvalId], second);
    expect(half).toMatchObject({ status: 'pending', approvals: [{ by: { id: 'cli-second-admin' } }] });
    const twice = await cliResult('scripts/admin.ts', [
      'approvals',
      'approve',
      '--tenant',
      'demo',
      '--id',
      large.approvalId,
      '--token',
      second,
    ]);
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.stdout)).toMatchObject({ status: 409, code: 'already_approved' });
    const stillPending = await admin(['approvals', 'list', '--tenant', 'demo', '--status', 'pending', '--limit', '10'], second);
    expect(stillPending.items.map((r: { approvalId: string }) => r.approvalId)).toEqual([large.approvalId]);
    expect((await partner.balance('cli-adj-1')).body).toMatchObject({ balance: 50 });
  });
});
