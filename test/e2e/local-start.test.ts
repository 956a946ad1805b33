import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
      dynamodbEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      platformAdminToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tenantAdminToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    });
    expect(await fileMode(join(localDir, 'credentials.json'))).toBe(0o600);
    await expect(stat(join(localDir, 'secrets.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(localDir, 'dynamodb'))).rejects.toMatchObject({ code: 'ENOENT' });

    const health = await fetch(`${credentials.baseUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    // Authenticated: the account is simply unknown (a wrong key would be 401).
    expect(await balanceStatus(credentials, credentials.partnerKey)).toBe(404);
    expect(await balanceStatus(credentials)).toBe(401);

    expect(await connectionOutcome(credentials.dynamodbEndpoint)).toBe('connected');
    expect(await service.stop()).toBe(0);
    expect(await connectionOutcome(credentials.dynamodbEndpoint)).toBe('ECONNREFUSED');
  });

  it('with kept data, a key minted by an earlier run still works after a restart', async () => {
    const first = await startService(localDir, []);
    const earlierKey = first.credentials.partnerKey;
    expect(await fileMode(join(localDir, 'secrets.json'))).toBe(0o600);
    expect(await first.stop()).toBe(0);

    const second = await startService(localDir, []);
    expect(second.credentials.partnerKey).not.toBe(earlierKey);
    expect(await balanceStatus(second.credentials, earlierKey)).toBe(404);
    expect(await second.stop()).toBe(0);
    expect(await connectionOutcome(second.credentials.dynamodbEndpoint)).toBe('ECONNREFUSED');
  });
});
