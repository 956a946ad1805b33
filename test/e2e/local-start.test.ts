import { mkdtemp, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJsonLines } from '../../functions/audit/jsonl.ts';
import { s3ObjectStore } from '../../functions/audit/s3-objects.ts';
import { localS3ClientConfig } from '../../local/s3-local.ts';
import { killLeftoverServices, startService, type Credentials } from '../support/local-service.ts';

function connectionOutcome(endpoint: string): Promise<string> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

async function balanceStatus(credentials: Credentials, apiKey?: string): Promise<number> {
  const response = await fetch(`${credentials.baseUrl}/api/v1/balance?accountId=nobody-yet`, {
    headers: apiKey === undefined ? {} : { 'x-api-key': apiKey },
  });
  await response.body?.cancel();
  return response.status;
}

/** Ledger entries of the demo tenant in the local bucket's incoming objects, once some are there (up to 10 s). */
async function exportedLedgerEntries(credentials: Credentials): Promise<number> {
  const store = s3ObjectStore(credentials.auditBucket, new S3Client(localS3ClientConfig(credentials.s3Endpoint)));
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const objects = (await store.list('incoming/')).filter((object) => object.key.includes(`/tenant=${credentials.tenantId}/`));
    let count = 0;
    for (const object of objects)
      count += decodeJsonLines((await store.get(object.key))!).records.filter((record) => record.kind === 'ledger.entry').length;
    if (count > 0) return count;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 0;
}

/** Ids of the demo tenant's active keys, as operators list them. */
async function activeDemoKeys(credentials: Credentials): Promise<string[]> {
  const response = await fetch(`${credentials.baseUrl}/api/v1/admin/tenants/demo/keys`, {
    headers: { authorization: `Bearer ${credentials.platformAdminToken}` },
  });
  const { items } = (await response.json()) as { items: { keyId: string; status: string }[] };
  return items.filter((key) => key.status === 'active').map((key) => key.keyId);
}

const fileMode = async (path: string) => (await stat(path)).mode & 0o777;

describe('npm start', () => {
  let localDir: string;

  beforeEach(async () => {
    localDir = await mkdtemp(join(tmpdir(), 'rrr-start-'));
  });

  afterEach(async () => {
    await killLeftoverServices();
    await rm(localDir, { recursive: true, force: true });
  });

  it('--in-memory serves the API with the printed key, keeps no secrets, and stops cleanly on SIGTERM', async () => {
    const service = await startService(localDir, ['--in-memory']);
    const { credentials } = service;
    expect(credentials).toEqual({
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      tenantId: 'demo',
      partnerKey: expect.any(String),
      partnerKeyId: expect.stringMatching(/^key_[0-9a-f]{16}$/),
      dynamodbEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      tableName: 'redroomrewards-local',
      platformAdminToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tenantAdminToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      s3Endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      auditBucket: 'redroomrewards-audit-local',
    });
    expect(await fileMode(join(localDir, 'credentials.json'))).toBe(0o600);
    await expect(stat(join(localDir, 'secrets.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(localDir, 'dynamodb'))).rejects.toMatchObject({ code: 'ENOENT' });

    const health = await fetch(`${credentials.baseUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    // Authenticated: the account is simply unknown (a wrong key would be 401).
    expect(await balanceStatus(credentials, credentials.partnerKey)).toBe(404);
    expect(await balanceStatus(credentials)).toBe(401);

    // The stream poller exports what the API writes to the local audit bucket.
    await fetch(`${credentials.baseUrl}/api/v1/accounts/member-1`, {
      method: 'PUT',
      headers: { 'x-api-key': credentials.partnerKey, 'content-type': 'application/json', 'idempotency-key': 'e2e-audit-2' },
      body: JSON.stringify({ profile: { profileId: 'p-1', role: 'CONSUMER' } }),
    });
    const earned = await fetch(`${credentials.baseUrl}/api/v1/earn`, {
      method: 'POST',
      headers: { 'x-api-key': credentials.partnerKey, 'content-type': 'application/json', 'idempotency-key': 'e2e-audit-3' },
      body: JSON.stringify({ accountId: 'member-1', source: { type: 'bonus', campaignId: 'c1', points: 100 } }),
    });
    expect(earned.status).toBe(201);
    expect(await exportedLedgerEntries(credentials)).toBe(1);

    expect(await connectionOutcome(credentials.dynamodbEndpoint)).toBe('connected');
    expect(await service.stop()).toBe(0);
    expect(await connectionOutcome(credentials.dynamodbEndpoint)).toBe('ECONNREFUSED');
    expect(await connectionOutcome(credentials.s3Endpoint)).toBe('ECONNREFUSED');
  });

  it('with kept data, restarts keep one demo key; a revoked one is replaced, and still only one is active', async () => {
    const first = await startService(localDir, []);
    const demoKey = first.credentials.partnerKey;
    expect(await fileMode(join(localDir, 'secrets.json'))).toBe(0o600);
    expect(await first.stop()).toBe(0);

    const second = await startService(localDir, []);
    expect(second.credentials).toMatchObject({ partnerKey: demoKey, partnerKeyId: first.credentials.partnerKeyId });
    expect(await balanceStatus(second.credentials, demoKey)).toBe(404);
    expect(await activeDemoKeys(second.credentials)).toEqual([first.credentials.partnerKeyId]);
    // An operator revokes it: the next start mints a replacement.
    const revoked = await fetch(`${second.credentials.baseUrl}/api/v1/admin/tenants/demo/keys/${second.credentials.partnerKeyId}/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${second.credentials.platformAdminToken}`,
        'content-type': 'application/json',
        'idempotency-key': 'e2e-revoke-demo',
      },
      body: JSON.stringify({ reason: 'compromised' }),
    });
    expect(revoked.status).toBe(200);
    expect(await second.stop()).toBe(0);
    expect(await connectionOutcome(second.credentials.dynamodbEndpoint)).toBe('ECONNREFUSED');

    const third = await startService(localDir, []);
    expect(third.credentials.partnerKey).not.toBe(demoKey);
    expect(await balanceStatus(third.credentials, demoKey)).toBe(401);
    expect(await balanceStatus(third.credentials, third.credentials.partnerKey)).toBe(404);
    expect(await activeDemoKeys(third.credentials)).toEqual([third.credentials.partnerKeyId]);
    expect(await third.stop()).toBe(0);
  }, 180_000);

  it('--in-memory mints a fresh key even when kept credentials are there; the next kept-data start still has one key', async () => {
    const kept = await startService(localDir, []);
    expect(await kept.stop()).toBe(0);
    const fresh = await startService(localDir, ['--in-memory']);
    expect(fresh.credentials.partnerKey).not.toBe(kept.credentials.partnerKey);
    expect(await activeDemoKeys(fresh.credentials)).toEqual([fresh.credentials.partnerKeyId]);
    expect(await fresh.stop()).toBe(0);
    // The in-memory run overwrote the credentials file: the kept-data start mints anew and retires the old key.
    const again = await startService(localDir, []);
    expect(again.credentials.partnerKey).not.toBe(kept.credentials.partnerKey);
    expect(await activeDemoKeys(again.credentials)).toEqual([again.credentials.partnerKeyId]);
    expect(await again.stop()).toBe(0);
  }, 180_000);
});
