/**
 * The whole-tenant replay at scale (issue 12, item 3): one synthetic sealed tenant-day of 10k,
 * 100k and 1M purchase earns, replayed from the export as `npm run admin -- replay --tenant T`
 * does (functions/audit/tenant-replay.ts), reporting time, peak memory, objects read and their
 * bytes. Goal: peak memory flat across the sizes (the replay streams; it keeps counts only).
 *
 *   npx tsx bench/replay-scale.ts [sizes...]        (default 10000 100000 1000000)
 *
 * Each size: one process writes the exporter's objects straight into the bucket layout on disk
 * (bench/dir-store.ts) and seals the day (sealDay, in that process); a fresh process replays
 * it, so its peak resident memory (getrusage maxrss) is the replay's alone. Writes its table
 * into bench/results.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeJsonLines } from '../functions/audit/jsonl.ts';
import { addDays, incomingKey } from '../functions/audit/layout.ts';
import type { ObjectStore } from '../functions/audit/object-store.ts';
import { ledgerEntryRecord, type AuditRecord } from '../functions/audit/records.ts';
import { sealDay } from '../functions/audit/seal.ts';
import { replayTenant } from '../functions/audit/tenant-replay.ts';
import { GENESIS_HASH } from '../functions/domain/hash-chain.ts';
import { syntheticEarn } from '../test/support/synthetic-earn.ts';
import { defaultTenantConfig } from '../functions/domain/tenant-config.ts';
import { dirStore } from './dir-store.ts';
import { REPLAY_MARKERS as MARKERS, writeSection } from './results-section.ts';

const DAY = '2026-03-10';
const TENANT = 'bench';
const PER_OBJECT = 100;
const ENTRIES_PER_WALLET = 10;
const NOW = new Date('2026-03-11T01:00:00.000Z');
const here = fileURLToPath(import.meta.url);
const peakRssMb = () => (process.resourceUsage().maxRSS * 1024) / 2 ** 20;

/** Purchase earns of 10 a wallet, priced as version 1 prices them (12 points a dollar), then sealed. */
async function generate(root: string, records: number): Promise<void> {
  const store = dirStore(root);
  let batch: AuditRecord[] = [];
  let objects = 0;
  const flush = async () => {
    objects += 1;
    await store.put(
      incomingKey(DAY, TENANT, String(1e20 + objects), batch.length, `${objects}`.padStart(16, '0')),
      encodeJsonLines(batch),
      {
        contentType: 'application/gzip',
        sha256: '',
      },
    );
    batch = [];
  };
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < records; i += 1) {
    const seq = (i % ENTRIES_PER_WALLET) + 1;
    if (seq === 1) prevHash = GENESIS_HASH;
    const createdAt = new Date(Date.parse(`${DAY}T00:00:00.000Z`) + (i % 86_000_000)).toISOString();
    const entry = syntheticEarn({
      tenantId: TENANT,
      accountId: `member-${String(Math.floor(i / ENTRIES_PER_WALLET)).padStart(8, '0')}`,
      seq,
      amount: 120,
      createdAt,
      prevHash,
      id: String(i),
      pricing: { subtotalCents: 1_000, tier: 'Member', ruleVersion: 1 },
    });
    prevHash = entry.hash;
    batch.push(ledgerEntryRecord(entry));
    if (batch.length === PER_OBJECT) await flush();
  }
  if (batch.length > 0) await flush();
  const outcome = await sealDay({ store, tenantId: TENANT, day: DAY, now: NOW });
  if (outcome.status !== 'sealed' || outcome.problems.length > 0) throw new Error(`not sealed: ${JSON.stringify(outcome).slice(0, 300)}`);
  console.log(JSON.stringify({ parts: outcome.manifest.objects.length }));
}

/** The replay alone, in this fresh process: the bucket on disk, counted GETs and bytes. */
async function replay(root: string): Promise<void> {
  const disk = dirStore(root);
  let gets = 0;
  let bytes = 0;
  const store: ObjectStore = {
    ...disk,
    async get(key) {
      const body = await disk.get(key);
      gets += 1;
      bytes += body?.length ?? 0;
      return body;
    },
  };
  const started = performance.now();
  const report = await replayTenant({
    store,
    config: defaultTenantConfig(TENANT, 'Bench', '1970-01-01T00:00:00.000Z'),
    window: { from: `${DAY}T00:00:00.000Z`, to: `${addDays(DAY, 1)}T00:00:00.000Z` },
    lateDays: 0,
    now: NOW,
  });
  const seconds = (performance.now() - started) / 1000;
  if (report.differenceCount !== 0 || report.exportProblemCount !== 0 || !report.complete) {
    throw new Error(`unexpected report: ${JSON.stringify(report).slice(0, 500)}`);
  }
  console.log(JSON.stringify({ replayable: report.replayable, gets, bytes, seconds, peakRssMb: peakRssMb() }));
}

/**
 * V8 flags of the second replay: an old space of 48 MB proves what the replay holds is bounded
 * (it would fail with a heap out of memory otherwise); what the first run's memory grows by
 * with the day is garbage V8 had not yet collected, since nothing caps its heap.
 */
const CAPPED_NODE_OPTIONS = '--max-old-space-size=48 --max-semi-space-size=2';

function child(args: string[], nodeOptions?: string): Record<string, number> {
  const env = nodeOptions ? { ...process.env, NODE_OPTIONS: nodeOptions } : process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', here, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, env });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) || '{}');
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--generate') return generate(rest[0]!, Number(rest[1]));
  if (mode === '--replay') return replay(rest[0]!);
  const sizes = (mode ? [mode, ...rest] : ['10000', '100000', '1000000']).map(Number);
  const rows: { size: number; parts: number; run: Record<string, number>; capped: Record<string, number> }[] = [];
  for (const size of sizes) {
    const root = mkdtempSync(join(tmpdir(), 'rrr-replay-bench-'));
    try {
      const { parts } = child(['--generate', root, String(size)]);
      const run = child(['--replay', root]);
      const capped = child(['--replay', root], CAPPED_NODE_OPTIONS);
      if (run.replayable !== size || capped.replayable !== size) throw new Error(`${size} earns sealed, ${run.replayable} replayed`);
      rows.push({ size, parts: parts!, run, capped });
      console.log(`${size} earns: ${JSON.stringify(run)}, heap capped: ${JSON.stringify(capped)}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const rss = rows.map((row) => row.capped.peakRssMb!);
  const section = [
    MARKERS[0],
    '## Whole-tenant replay at scale (issue 12, item 3)',
    '',
    `Run ${new Date().toISOString()} with Node ${process.version}. Produced by \`npx tsx bench/replay-scale.ts\`: one synthetic sealed tenant-day per size (purchase earns, ${ENTRIES_PER_WALLET} per wallet, sealed by \`sealDay\`) on the bucket layout on local disk, replayed by \`replayTenant\` (what \`npm run admin -- replay --tenant T\` runs) in a fresh process under tsx. Peak memory is that process's resident high-water mark (getrusage maxrss), tsx and the SDK modules included. GETs are the manifest and the parts; bytes their gzip size.`,
    '',
    '| earns replayed | parts | GETs | bytes read | bytes per earn | time s | µs per earn | peak RSS MB | with the heap capped: time s / peak RSS MB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ({ size, parts, run, capped }) =>
        `| ${fmt(run.replayable!)} | ${parts} | ${run.gets} | ${fmt(run.bytes!)} | ${(run.bytes! / size).toFixed(0)} | ${run.seconds!.toFixed(1)} | ${((run.seconds! * 1e6) / size).toFixed(0)} | ${run.peakRssMb!.toFixed(0)} | ${capped.seconds!.toFixed(1)} / **${capped.peakRssMb!.toFixed(0)}** |`,
    ),
    '',
    `The capped run has \`NODE_OPTIONS=${CAPPED_NODE_OPTIONS}\`: it finishing at all shows the replay holds a bounded amount whatever the day's size; the uncapped peak grows with the day only by garbage V8 has not collected yet. Goal: peak memory flat across the sizes (capped runs). Measured: ${Math.min(...rss).toFixed(0)} to ${Math.max(...rss).toFixed(0)} MB (${(Math.max(...rss) / Math.min(...rss)).toFixed(2)}x). Time is on the shared 2-core machine under other load.`,
    MARKERS[1],
  ].join('\n');
  writeSection(MARKERS, section);
  console.log(section);
}

await main();
