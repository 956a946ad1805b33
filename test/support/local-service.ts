import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const READY_LINE = 'RedRoomRewards local service ready';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Credentials {
  baseUrl: string;
  tenantId: string;
  partnerKey: string;
  partnerKeyId: string;
  dynamodbEndpoint: string;
  platformAdminToken: string;
  tenantAdminToken: string;
  s3Endpoint: string;
  auditBucket: string;
}

export interface RunningService {
  child: ChildProcess;
  credentials: Credentials;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** Everything the service wrote to stdout and stderr after its ready line, once it has exited. */
  outputAfterReady(): Promise<string>;
}

const started: ChildProcess[] = [];

/** Runs `npm start` the way a user without a terminal would, and waits for the ready line. */
export async function startService(localDir: string, args: string[]): Promise<RunningService> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', RRR_LOCAL_DIR: localDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a test that has to kill it can kill its Java too.
    detached: true,
  });
  started.push(child);
  let stderr = '';
  let ready = false;
  const afterReady: string[] = [];
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (ready) afterReady.push(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`start.ts exited with ${code} before it was ready: ${stderr}`));
    child.once('exit', onExit);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (ready) return void afterReady.push(`${line}\n`);
      if (line !== READY_LINE) return;
      ready = true;
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
    outputAfterReady: async () => {
      await closed;
      return afterReady.join('');
    },
  };
}

function exitCodeOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** For afterEach: only when a test failed half-way, never leave a service (and its Java) behind. */
export async function killLeftoverServices(): Promise<void> {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGKILL');
      await exitCodeOf(child);
    }
  }
}
