import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverServices, startService, type RunningService } from '../support/local-service.ts';

/**
 * Every fenced `sh` and `ts` example of the README and the integration guide runs as written
 * against `npm start -- --in-memory`, in the order the document shows them; a block whose info
 * string says `no-run` (installing, deploying) is skipped, and there must be few of those.
 * An answer a document shows under a curl command (`# → 201 {"points":6000,...}`) must be what
 * happened: the status, every member shown, and every value that is not elided with "…".
 */
const repoRoot = new URL('../..', import.meta.url).pathname;
const DOCUMENTS = ['README.md', 'docs/integration-guide.md'];
const STATUS_MARK = '@@status';

interface Block {
  document: string;
  line: number;
  lang: string;
  info: string;
  code: string;
}

function fencedBlocks(document: string, text: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```(\w*)([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (let match = fence.exec(text); match !== null; match = fence.exec(text)) {
    blocks.push({
      document,
      line: text.slice(0, match.index).split('\n').length,
      lang: match[1]!,
      info: match[2]!.trim(),
      code: match[3]!,
    });
  }
  return blocks;
}

/** The answers a shell block shows, by the index of the curl command they follow. */
function shownAnswers(code: string): Map<number, { status: number; body?: unknown }> {
  const shown = new Map<number, { status: number; body?: unknown }>();
  let curls = -1;
  let continued = false;
  for (const line of code.split('\n')) {
    const answer = /^#\s*→\s*(\d{3})\s*(.*)$/.exec(line.trim());
    if (answer) {
      shown.set(curls, { status: Number(answer[1]), ...(answer[2] ? { body: JSON.parse(answer[2]) } : {}) });
    } else if (!continued && /^curl\s/.test(line.trim())) {
      curls += 1;
    }
    continued = line.trimEnd().endsWith('\\');
  }
  return shown;
}

/** `shown` is what the document prints: every member of it must be in `actual`; "…" elides a value. */
function expectShownIn(shown: unknown, actual: unknown, where: string): void {
  if (typeof shown === 'string' && shown.includes('…')) return void expect(actual, where).toBeDefined();
  if (shown !== null && typeof shown === 'object') {
    expect(actual, where).toBeTypeOf('object');
    for (const [key, value] of Object.entries(shown)) expectShownIn(value, (actual as Record<string, unknown>)[key], `${where}.${key}`);
    return;
  }
  expect(actual, where).toEqual(shown);
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let workDir: string;
let service: RunningService;
const blocks: Block[] = [];
for (const document of DOCUMENTS) blocks.push(...fencedBlocks(document, await readFile(join(repoRoot, document), 'utf8')));
const examples = blocks.filter((block) => block.lang === 'sh' || block.lang === 'ts');

beforeAll(async () => {
  // A reader's checkout: the repository's files, with the service's `.local` of its own.
  workDir = await mkdtemp(join(tmpdir(), 'rrr-docs-'));
  for (const entry of await readdir(repoRoot)) {
    if (entry !== '.local' && entry !== '.git') await symlink(join(repoRoot, entry), join(workDir, entry));
  }
  service = await startService(join(workDir, '.local'), ['--in-memory']);
});
afterAll(async () => {
  if (service) await service.stop();
  await killLeftoverServices();
  await rm(workDir, { recursive: true, force: true });
});

describe('the documents’ examples', () => {
  it('are mostly runnable: few blocks are marked no-run, and each says why by what it is', () => {
    const skipped = examples.filter((block) => /\bno-run\b/.test(block.info));
    expect(examples.length).toBeGreaterThan(6);
    expect(skipped.length).toBeLessThanOrEqual(3);
  });

  for (const block of examples) {
    const label = `${block.document}:${block.line} (${block.lang}${block.info ? ` ${block.info}` : ''})`;
    const runnable = !/\bno-run\b/.test(block.info);
    if (!runnable) continue;
    it(`${label} runs as written and answers as shown`, async () => {
      const env = { RRR_LOCAL_DIR: join(workDir, '.local') };
      if (block.lang === 'ts') {
        // Saved under the name the document gives it; the shell block after it runs it as a reader would.
        const file = /\b[\w-]+\.ts\b/.exec(block.info)?.[0] ?? `example-${block.line}.ts`;
        await writeFile(join(workDir, file), block.code);
        const typed = await run(
          process.execPath,
          [
            join(repoRoot, 'node_modules/typescript/bin/tsc'),
            '--strict',
            '--noEmit',
            '--skipLibCheck',
            '--target',
            'es2022',
            '--module',
            'nodenext',
            '--types',
            'node',
            file,
          ],
          workDir,
          {},
        );
        expect(typed.code, `${label} under tsc --strict: ${typed.stdout}`).toBe(0);
        return;
      }
      // Each curl also reports its status, so shown answers can be compared with what happened.
      const prelude = `curl() { command curl -w '\\n${STATUS_MARK} %{http_code}\\n' "$@"; }\n`;
      const result = await run('bash', ['-e', '-o', 'pipefail', '-c', prelude + block.code], workDir, env);
      expect(result.code, `${label}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
      const answers = result.stdout.split(new RegExp(`^${STATUS_MARK} (\\d{3})$`, 'm'));
      const statuses = answers.filter((_, i) => i % 2 === 1).map(Number);
      const bodies = answers.filter((_, i) => i % 2 === 0).map((text) => text.trim().split('\n').at(-1) ?? '');
      for (const printed of block.code.matchAll(/^#\s*prints:\s*(.+)$/gm)) expect(result.stdout, label).toContain(printed[1]!.trim());
      for (const [index, shown] of shownAnswers(block.code)) {
        const where = `${label}, answer of curl #${index + 1}`;
        expect(statuses[index], where).toBe(shown.status);
        if (shown.body !== undefined) expectShownIn(shown.body, JSON.parse(bodies[index]!), where);
      }
    });
  }
});
