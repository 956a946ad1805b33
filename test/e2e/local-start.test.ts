import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const READY_LINE = 'RedRoomRewards local service ready';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Credentials {
  baseUrl: string;
  tenantId: string;
  partnerKey: string;
  dynamodbEndpoint: string;
}

interface RunningService {
  child: ChildProcess;
  credentials: Credentials;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const started: ChildProcess[] = [];

/** Runs `npm start` the way a user without a terminal would, and waits for the ready line. */
async function startService(localDir: string, args: string[]): Promise<RunningService> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', RRR_LOCAL_DIR: localDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`start.ts exited with ${code} before it was ready: ${stderr}`));
    child.once('exit', onExit);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line !== READY_LINE) return;
      child.off('exit', onExit);
      resolve();
    });
  });
  const credentials = JSON.parse(await readFile(join(localDir, 'credentials.json'), 'utf8')) as Credentials;
  return {
    child,
    credentials,
    stop: () => {
      const exited = exitCodeOf(child);
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function exitCodeOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

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
    // Only when a test failed half-way: never leave a service (and its Java) behind.
    for (const child of started.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exitCodeOf(child);
      }
    }
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
    });
    expect(await fileMode(join(localDir, 'credentials.json'))).toBe(0o600);
    await expect(stat(join(localDir, 'secrets.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(localDir, 'dynamodb'))).rejects.toMatchObject({ code: 'ENOENT' });

    const health = await fetch(`${credentials.baseUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect([200, 404]).toContain(await balanceStatus(credentials, credentials.partnerKey));
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
    expect([200, 404]).toContain(await balanceStatus(second.credentials, earlierKey));
    expect(await second.stop()).toBe(0);
    expect(await connectionOutcome(second.credentials.dynamodbEndpoint)).toBe('ECONNREFUSED');
  });
});
