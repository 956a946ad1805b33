/**
 * Audit sealing at scale (issue 10, goal 3): seals one synthetic tenant-day of 1k, 100k and
 * 1M records and reports time and peak memory for each. Goal: peak memory flat within 2x.
 *
 *   npx tsx bench/seal-scale.ts [sizes...]        (default 1000 100000 1000000)
 *
 * Each size runs in two fresh processes: one writes the exporter's objects (100 records each,
 * 5% of them delivered twice, as a stream with retries does) straight into the bucket layout
 * on disk (bench/dir-store.ts); the other seals the day with the service's sealDay and reports
 * its peak resident memory (getrusage's maxrss: the kernel's high-water mark, so nothing
 * between samples is missed). Writes its table into bench/results.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeJsonLines } from '../functions/audit/jsonl.ts';
import { incomingKey } from '../functions/audit/layout.ts';
import { ledgerEntryRecord, type AuditRecord } from '../functions/audit/records.ts';
import { SEAL_NODE_OPTIONS, sealDay } from '../functions/audit/seal.ts';
import { GENESIS_HASH, hashLedgerEntry } from '../functions/domain/hash-chain.ts';
import type { LedgerEntry } from '../functions/domain/types.ts';
import { dirStore } from './dir-store.ts';

const DAY = '2026-03-10';
const TENANT = 'bench';
const PER_OBJECT = 100;
const ENTRIES_PER_WALLET = 10;
const here = fileURLToPath(import.meta.url);

async function generate(root: string, records: number): Promise<void> {
  const store = dirStore(root);
  let batch: AuditRecord[] = [];
  let objects = 0;
  const flush = async (copy: boolean) => {
    const body = encodeJsonLines(batch);
    for (let i = 0; i < (copy ? 2 : 1); i += 1) {
      objects += 1;
      await store.put(incomingKey(DAY, TENANT, String(1e20 + objects), batch.length, `${objects}`.padStart(16, '0')), body, {
        contentType: 'application/gzip',
        sha256: '',
      });
    }
    batch = [];
  };
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < records; i += 1) {
    const wallet = Math.floor(i / ENTRIES_PER_WALLET);
    const seq = (i % ENTRIES_PER_WALLET) + 1;
    if (seq === 1) prevHash = GENESIS_HASH;
    const unhashed: Omit<LedgerEntry, 'hash'> = {
      tenantId: TENANT,
      accountId: `member-${String(wallet).padStart(8, '0')}`,
      wallet: 'points',
      seq,
      type: 'EARN',
      amount: 100,
      balanceAfter: seq * 100,
      debtAfter: 0,
      transactionId: `tx-${i}`,
      correlationId: `tx-${i}`,
      idempotencyKey: `idem-${i}`,
      requestId: `req-${i}`,
      actor: { kind: 'partner', id: 'key_0123456789abcdef' },
      source: { type: 'purchase', orderId: `order-${i}` },
      lots: [{ type: 'purchase', expiresAt: '2027-12-31T23:59:59.999Z', points: 100 }],
      createdAt: new Date(Date.parse(`${DAY}T00:00:00.000Z`) + (i % 86_000_000)).toISOString(),
      prevHash,
    };
    const entry = { ...unhashed, hash: hashLedgerEntry(unhashed) };
    prevHash = entry.hash;
    batch.push(ledgerEntryRecord(entry));
    if (batch.length === PER_OBJECT) await flush(objects % 20 === 0);
  }
  if (batch.length > 0) await flush(false);
}

async function seal(root: string): Promise<void> {
  const started = performance.now();
  const outcome = await sealDay({ store: dirStore(root), tenantId: TENANT, day: DAY, now: new Date('2026-03-11T01:00:00.000Z') });
  const seconds = (performance.now() - started) / 1000;
  if (outcome.status !== 'sealed') throw new Error(`not sealed: ${outcome.status}`);
  const { manifest } = outcome;
  console.log(
    JSON.stringify({
      records: manifest.recordCount,
      duplicatesDropped: manifest.duplicatesDropped,
      parts: manifest.objects.length,
      walletIndexObjects: manifest.walletIndex.length,
      wallets: manifest.walletCount,
      manifestBytes: readFileSync(join(root, `exports/tenant=${TENANT}/day=${DAY}/manifest.json`)).length,
      seconds,
      peakRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    }),
  );
}

/**
 * SEAL_BENCH_HEAP_MB caps the sealing process's V8 heap at every size (a probe that the day
 * fits); none by default: a 128 MB cap made V8 collect so often that sealing ran 3 to 5 times slower.
 */
const SEAL_HEAP_MB = Number(process.env.SEAL_BENCH_HEAP_MB ?? 0);

function child(args: string[], heapMb?: number): string {
  // The sealing Lambda's own V8 flags (functions/workflows/definitions.ts), so the bench measures what runs.
  const flags = heapMb === undefined ? [] : [SEAL_NODE_OPTIONS, ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])];
  const run = spawnSync(process.execPath, [...flags, '--import', 'tsx', here, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').at(-1)!;
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--generate') return generate(rest[0]!, Number(rest[1]));
  if (mode === '--seal') return seal(rest[0]!);
  const sizes = (mode ? [mode, ...rest] : ['1000', '100000', '1000000']).map(Number);
  const rows: Record<string, number>[] = [];
  for (const size of sizes) {
    const root = mkdtempSync(join(tmpdir(), 'rrr-seal-bench-'));
    try {
      const generatedAt = performance.now();
      child(['--generate', root, String(size)]);
      const generateSeconds = (performance.now() - generatedAt) / 1000;
      const row = JSON.parse(child(['--seal', root], SEAL_HEAP_MB)) as Record<string, number>;
      rows.push(row);
      console.log(`${size} records (generated in ${generateSeconds.toFixed(1)} s): ${JSON.stringify(row)}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const smallest = Math.min(...rows.map((row) => row.peakRssMb!));
  const largest = Math.max(...rows.map((row) => row.peakRssMb!));
  const table = [
    '## Audit sealing at scale (issue 10, goal 3)',
    '',
    `Run ${new Date().toISOString()} with Node ${process.version}. Produced by \`npx tsx bench/seal-scale.ts\`: one synthetic tenant-day per size (ledger entries, ${ENTRIES_PER_WALLET} per wallet, exporter objects of ${PER_OBJECT} records with one in 20 delivered twice), sealed by \`sealDay\` in a fresh process over the bucket layout on local disk; peak memory is that process's resident high-water mark (getrusage maxrss), ${SEAL_HEAP_MB ? `with its V8 heap capped at ${SEAL_HEAP_MB} MB (\`--max-old-space-size\`) at every size` : 'V8 flags as the sealing Lambda sets them'} (\`${SEAL_NODE_OPTIONS}\`).`,
    '',
    '| records sealed | redelivered copies dropped | parts | wallets (index objects) | manifest bytes | time s | µs per record | peak RSS MB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.records} | ${row.duplicatesDropped} | ${row.parts} | ${row.wallets} (${row.walletIndexObjects}) | ${row.manifestBytes} | ${row.seconds!.toFixed(1)} | ${((row.seconds! * 1e6) / row.records!).toFixed(0)} | ${row.peakRssMb!.toFixed(0)} |`,
    ),
    '',
    `Goal: peak memory flat within 2x across the sizes. Measured: ${(largest / smallest).toFixed(2)}x (${smallest.toFixed(0)} to ${largest.toFixed(0)} MB): ${largest / smallest <= 2 ? 'met' : 'not met'}.`,
    '',
    'Design (README, "Sealing streams"): records spilled to disk in buckets by a hash of their id (1 MB of exporter gzip per bucket), each bucket deduplicated and sorted alone, the sorted runs merged line by line into parts gzip-streamed; wallet ranges and the sealed exporter objects go to index objects, so the manifest stays a few KB. Before: 67 µs and 4.3 KB of memory per record, out of memory at about 220k to 400k records on the 1 GB job.',
    '',
    "Not met yet: time. It is linear in the day (the µs per record column, on this shared 2-core machine), so 10 million records in one invocation would take well over Lambda's 15 minutes. Memory: a 1M-record day fits easily in the 1 GB function (before, 220k to 400k did not), and 10 times the records cost 1.6 times the memory from 100k to 1M, but not yet flat within 2x from 1k: what still grows with the day is not found yet (the open runs while merging, about 100 KB each at 85 runs, explain only a few MB; V8's heap growth and the allocator's are the suspects: heapUsed stayed far below heapTotal in a probe). Next: split a big day's merge across invocations (the buckets are independent until the merge: range-partition by sort key instead of hash, then one Map item per range), or seal on Fargate for the largest tenants.",
    '',
  ].join('\n');
  console.log(`\n${table}`);
  const resultsPath = fileURLToPath(new URL('results.md', import.meta.url));
  const results = readFileSync(resultsPath, 'utf8');
  const start = results.indexOf('## Audit sealing at scale');
  const end = start === -1 ? -1 : results.indexOf('\n## ', start + 1);
  const next =
    start === -1 ? `${results.trimEnd()}\n\n${table}` : `${results.slice(0, start)}${table}${end === -1 ? '' : results.slice(end + 1)}`;
  writeFileSync(resultsPath, next);
}

await main();
