import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const READY_LINE = 'RedRoomRewards local service ready';
const repoRoot = new URL('../..', import.meta.url).pathname;
/** Generous: Java gets SIGTERM and, if it lingers, SIGKILL 5 s later; this machine is shared. */
const GONE_WITHIN_MS = 30_000;

interface Proc {
  pid: number;
  ppid: number;
  stat: string;
  args: string;
}

function processTable(): Proc[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, pid, ppid, stat, args]) => ({ pid: Number(pid), ppid: Number(ppid), stat: stat!, args: args! }));
}

/** Every process below `root`, as the process table has it now. */
function descendants(root: number): Proc[] {
  const table = processTable();
  const found: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const proc of table) {
      if (proc.ppid !== parent) continue;
      found.push(proc);
      queue.push(proc.pid);
    }
  }
  return found;
}

/** A zombie (exited, not yet reaped by whoever inherited it) runs nothing: it counts as gone. */
function running(pid: number): boolean {
  const proc = processTable().find((candidate) => candidate.pid === pid);
  return proc !== undefined && !proc.stat.startsWith('Z');
}

/** Polls until none of the pids runs, or the deadline passes; returns those still running. */
async function stillRunningAfterDeadline(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + GONE_WITHIN_MS;
  for (;;) {
    const alive = pids.filter(running);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const started: ChildProcess[] = [];

/** `npm start -- --in-memory` exactly as a user types it, in its own process group for cleanup. */
async function npmStart(localDir: string): Promise<{ npm: ChildProcess; node: Proc; java: Proc; all: Proc[] }> {
  const npm = spawn('npm', ['start', '--', '--in-memory'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', RRR_LOCAL_DIR: localDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.push(npm);
  let stderr = '';
  npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    npm.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready: ${stderr}`)));
    createInterface({ input: npm.stdout! }).on('line', (line) => {
      if (line === READY_LINE) resolve();
    });
  });
  const all = descendants(npm.pid!);
  const node = all.find((proc) => proc.args.includes('local/start.ts') && !proc.args.startsWith('npm'));
  const java = all.find((proc) => /^\S*java\s/.test(proc.args) && proc.args.includes('DynamoDBLocal.jar'));
  if (node === undefined || java === undefined) throw new Error(`no service or Java under npm: ${JSON.stringify(all)}`);
  return { npm, node, java, all };
}

const exitOf = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

describe('however npm start ends, nothing it started keeps running', () => {
  let localDir: string;
  beforeEach(async () => {
    localDir = await mkdtemp(join(tmpdir(), 'rrr-stop-'));
  });
  afterEach(async () => {
    for (const child of started.splice(0)) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
    await rm(localDir, { recursive: true, force: true });
  });

  it('SIGTERM to the npm process stops the service, Java and every helper', async () => {
    const { npm, all, java } = await npmStart(localDir);
    expect(running(java.pid)).toBe(true);
    npm.kill('SIGTERM');
    await exitOf(npm);
    expect(await stillRunningAfterDeadline(all.map((proc) => proc.pid))).toEqual([]);
  });

  it('kill -9 of the service node process: Java goes too', async () => {
    const { npm, node, java, all } = await npmStart(localDir);
    process.kill(node.pid, 'SIGKILL');
    expect(await stillRunningAfterDeadline([java.pid])).toEqual([]);
    await exitOf(npm);
    expect(await stillRunningAfterDeadline(all.map((proc) => proc.pid))).toEqual([]);
  });

  it('kill -9 of the npm process: the service notices and stops everything', async () => {
    const { npm, all } = await npmStart(localDir);
    npm.kill('SIGKILL');
    expect(await stillRunningAfterDeadline(all.map((proc) => proc.pid))).toEqual([]);
  });
});
