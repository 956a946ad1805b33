import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
