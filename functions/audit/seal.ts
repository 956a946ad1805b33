import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../domain/hash-chain.ts';
import type { LedgerEntry } from '../domain/types.ts';
import { ChunkedWriter } from './chunked-writer.ts';
import { DayPartition } from './day-partition.ts';
import { decodeJsonLines, line, sha256Hex } from './jsonl.ts';
import { addDays, dayOf, incomingDayPrefix, incomingPrefix, indexKey, manifestKey, partKey, segmentValue } from './layout.ts';
import {
  encodeManifest,
  extendRange,
  MANIFEST_FORMAT,
  parseManifest,
  sourcesDigest,
  startRange,
  walletLabel,
  type DayManifest,
  type WalletGap,
  type WalletRange,
} from './manifest.ts';
import type { ObjectStore } from './object-store.ts';
import { keepPending, planSeals, settlePending } from './pending.ts';
import { isLedgerEntryRecord, ledgerEntryRecord, recordSortKey, TAMPER_KINDS, type AuditRecord } from './records.ts';

/** Reads a wallet's ledger entries `fromSeq..toSeq` from the table (hot for at least 120 days). */
export type LedgerReader = (query: {
  tenantId: string;
  accountId: string;
  wallet: string;
  fromSeq: number;
  toSeq: number;
}) => Promise<LedgerEntry[]>;

/** Records per sealed object: a tenant-day this size is a few MB of gzip. */
export const PART_MAX_RECORDS = 20_000;
/** Lines per index object (wallet ranges, exporter objects): a few MB of gzip each. */
export const INDEX_MAX_LINES = 50_000;
/**
 * Compressed exporter bytes per bucket. A bucket is deduplicated and sorted in memory, so this
 * bounds the sealer's peak; the bucket count grows with the day instead (bench/seal-scale.ts
 * measures both).
 */
export const BUCKET_SOURCE_BYTES = 1024 * 1024;
/**
 * V8 flags for the sealing process. Sealing allocates fast and holds little; with V8's default
 * young generation (16 MB semi-spaces) its resident memory grew to about 250 to 300 MB at any
 * day size; 2 MB semi-spaces took a third off at the same speed (bench/seal-scale.ts).
 */
export const SEAL_NODE_OPTIONS = '--max-semi-space-size=2';
/** Exporter objects read at once while sealing (a busy tenant-day has one per stream batch). */
const READ_CONCURRENCY = 16;

export interface SealOptions {
  store: ObjectStore;
  tenantId: string;
  day: string;
  now: Date;
  /** Fills sequence gaps from the table (entries the stream lost, e.g. to the DLQ). */
  readLedger?: LedgerReader;
  partMaxRecords?: number;
  /** Forces the bucket count (tests exercise several buckets with a handful of records). */
  buckets?: number;
  /** Where buckets are spilled (a Lambda's /tmp by default). */
  workDir?: string;
}

export type SealOutcome =
  | { status: 'empty'; tenantId: string; day: string }
  | { status: 'unchanged'; tenantId: string; day: string; manifest: DayManifest; problems: string[] }
  | { status: 'sealed'; tenantId: string; day: string; manifest: DayManifest; problems: string[] };

/**
 * Seals one tenant's day, streaming: the exporter's objects are read a few at a time and their
 * records spilled to disk in buckets by record id (day-partition.ts); each bucket keeps each
 * record once (redeliveries wrote some twice) and is sorted alone; the merged runs are written
 * in order as content-named parts while each wallet's range is followed (sequence gaps filled
 * from the table when it can) and written to index objects. The manifest is written last, so
 * a crash before it leaves only unlisted objects that the next run writes again with the same
 * names. Running it again changes nothing unless new exporter objects arrived.
 */
export async function sealDay(options: SealOptions): Promise<SealOutcome> {
  const { store, tenantId, day } = options;
  const sources = await store.list(incomingPrefix(day, tenantId));
  if (sources.length === 0) return { status: 'empty', tenantId, day };
  const existingBody = await store.get(manifestKey(tenantId, day));
  const existing = existingBody ? parseManifest(existingBody) : undefined;
  const dayClosed = options.now.getTime() >= Date.parse(`${addDays(day, 1)}T00:00:00.000Z`);
  // Sealed already, unless objects arrived since, the day has closed since an early seal, or a
  // gap is left that the table (or a late record) may fill now.
  const digest = sourcesDigest(sources);
  if (
    existing &&
    existing.sourceCount === sources.length &&
    existing.sourcesDigest === digest &&
    (existing.dayClosed || !dayClosed) &&
    existing.gaps.length === 0
  ) {
    await settlePending(store, existing, options.now);
    return { status: 'unchanged', tenantId, day, manifest: existing, problems: [] };
  }

  const buckets = options.buckets ?? Math.max(1, Math.ceil(sources.reduce((sum, s) => sum + s.size, 0) / BUCKET_SOURCE_BYTES));
  const dir = await mkdtemp(join(options.workDir ?? tmpdir(), 'rrr-seal-'));
  try {
    const problems: string[] = [];
    const partition = new DayPartition(dir, buckets);
    const written = new Set(
      [...(existing?.objects ?? []), ...(existing?.walletIndex ?? []), ...(existing?.sourceIndex ?? [])].map((object) => object.key),
    );
    const sourceIndex = new ChunkedWriter(store, (i, sha) => indexKey('sources', tenantId, day, i, sha), INDEX_MAX_LINES, written);
    for (let start = 0; start < sources.length; start += READ_CONCURRENCY) {
      const window = sources.slice(start, start + READ_CONCURRENCY);
      const bodies = await Promise.all(window.map((source) => store.get(source.key)));
      for (const [index, source] of window.entries()) {
        const body = bodies[index];
        if (!body) throw new Error(`${source.key} was listed but could not be read`);
        const decoded = decodeJsonLines(body);
        if (decoded.error) problems.push(`${source.key} line ${decoded.error.line}: ${decoded.error.reason}`);
        await sourceIndex.add(
          canonicalJson({ key: source.key, sha256: sha256Hex(body), records: decoded.records.length, bytes: body.length }),
        );
        for (const record of decoded.records) {
          if (record.tenantId !== tenantId || dayOf(record.at) !== day) {
            problems.push(`${source.key}: record ${record.recordId} belongs to ${record.tenantId} ${dayOf(record.at)}, not here`);
            continue;
          }
          await partition.add({ sortKey: recordSortKey(record), recordId: record.recordId, text: line(record) });
        }
      }
    }
    await sourceIndex.flush();
    const { duplicatesDropped } = await partition.sortBuckets((recordId) =>
      problems.push(`${incomingPrefix(day, tenantId)}: record ${recordId} differs from an earlier copy`),
    );

    const parts = new ChunkedWriter(store, (i, sha) => partKey(tenantId, day, i, sha), options.partMaxRecords ?? PART_MAX_RECORDS, written);
    const walletIndex = new ChunkedWriter(store, (i, sha) => indexKey('wallets', tenantId, day, i, sha), INDEX_MAX_LINES, written);
    const kinds: Record<string, number> = {};
    const gaps: WalletGap[] = [];
    let recordCount = 0;
    let tamperEvents = 0;
    let backfilled = 0;
    let walletCount = 0;
    let range: WalletRange | undefined;
    const emit = async (record: AuditRecord, text: string) => {
      kinds[record.kind] = (kinds[record.kind] ?? 0) + 1;
      if (TAMPER_KINDS.has(record.kind)) tamperEvents += 1;
      recordCount += 1;
      await parts.add(text);
    };
    const closeRange = async () => {
      if (!range) return;
      await walletIndex.add(canonicalJson(range));
      walletCount += 1;
    };
    for await (const spilled of partition.merged()) {
      const record = JSON.parse(spilled.text) as AuditRecord;
      if (isLedgerEntryRecord(record)) {
        const { entry } = record;
        if (range && walletLabel(range) === walletLabel(entry)) {
          if (entry.seq > range.lastSeq + 1) {
            const filled = await fillGap(options, range, range.lastSeq + 1, entry.seq - 1);
            for (const found of filled.entries) {
              const backfill = ledgerEntryRecord(found);
              await emit(backfill, line(backfill));
              extendRange(range, found);
              backfilled += 1;
            }
            gaps.push(...filled.gaps);
          }
          extendRange(range, entry);
        } else {
          await closeRange();
          range = startRange(entry);
        }
      }
      await emit(record, spilled.text);
    }
    await closeRange();
    await parts.flush();
    await walletIndex.flush();
    for (const gap of gaps) problems.push(`wallet ${walletLabel(gap)} seq ${gap.fromSeq}..${gap.toSeq}: ${gap.reason}`);

    const manifest: DayManifest = {
      format: MANIFEST_FORMAT,
      tenantId,
      day,
      revision: (existing?.revision ?? 0) + 1,
      sealedAt: options.now.toISOString(),
      dayClosed,
      recordCount,
      kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b))),
      objects: parts.objects,
      walletCount,
      walletIndex: walletIndex.objects,
      tamperEvents,
      gaps,
      backfilled,
      duplicatesDropped,
      sourceCount: sources.length,
      sourcesDigest: digest,
      sourceIndex: sourceIndex.objects,
    };
    // A seal that would say the same again (the same gaps still open) is not written again.
    if (existing && sameSeal(existing, manifest)) {
      await settlePending(store, existing, options.now);
      return { status: 'unchanged', tenantId, day, manifest: existing, problems };
    }
    const body = encodeManifest(manifest);
    await store.put(manifestKey(tenantId, day), body, { contentType: 'application/json', sha256: sha256Hex(body) });
    await settlePending(store, manifest, options.now);
    return { status: 'sealed', tenantId, day, manifest, problems };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Sequence numbers `fromSeq..toSeq` missing inside a wallet's run for the day, looked up in the
 * table: one dated this day was lost or is late on the stream and is added; one dated another
 * day (a clock step between two hosts at midnight) or absent stays a gap, and verification
 * fails on it.
 */
async function fillGap(
  options: SealOptions,
  wallet: { accountId: string; wallet: string },
  fromSeq: number,
  toSeq: number,
): Promise<{ entries: LedgerEntry[]; gaps: WalletGap[] }> {
  const found = options.readLedger
    ? await options.readLedger({ tenantId: options.tenantId, accountId: wallet.accountId, wallet: wallet.wallet, fromSeq, toSeq })
    : [];
  const bySeq = new Map(found.map((entry) => [entry.seq, entry]));
  const entries: LedgerEntry[] = [];
  const gaps: WalletGap[] = [];
  let missingFrom: number | undefined;
  let missingReason = '';
  const closeGap = (toSeqOfGap: number) => {
    if (missingFrom === undefined) return;
    gaps.push({ accountId: wallet.accountId, wallet: wallet.wallet, fromSeq: missingFrom, toSeq: toSeqOfGap, reason: missingReason });
    missingFrom = undefined;
  };
  for (let seq = fromSeq; seq <= toSeq; seq += 1) {
    const entry = bySeq.get(seq);
    const reason = !options.readLedger
      ? 'not delivered by the stream (no table to read it from)'
      : !entry
        ? 'not delivered by the stream and not in the table'
        : dayOf(entry.createdAt) !== options.day
          ? `dated ${dayOf(entry.createdAt)} in the table (clock step across midnight)`
          : '';
    if (entry && reason === '') {
      closeGap(seq - 1);
      entries.push(entry);
    } else if (missingFrom === undefined || reason !== missingReason) {
      closeGap(seq - 1);
      missingFrom = seq;
      missingReason = reason;
    }
  }
  closeGap(toSeq);
  return { entries, gaps };
}

function sameSeal(a: DayManifest, b: DayManifest): boolean {
  const { revision: _r1, sealedAt: _s1, ...rest1 } = a;
  const { revision: _r2, sealedAt: _s2, ...rest2 } = b;
  return JSON.stringify(rest1) === JSON.stringify(rest2);
}

export interface SealPendingOptions {
  store: ObjectStore;
  now: Date;
  /** A day is sealed this long after it ends, so the exporter has caught up. */
  graceMinutes: number;
  /**
   * Also looks at every tenant's closed days this far back, marked or not (operators catching
   * up on days exported before markers existed); 0 or absent: the marked days only.
   */
  lookbackDays?: number;
  readLedger?: LedgerReader;
}

/**
 * Every marked tenant-day (pending.ts), one after another: the CLI's `seal --pending`. The
 * service itself seals each tenant-day in its own invocation (the AuditSeal workflow).
 */
export async function sealPendingDays(options: SealPendingOptions): Promise<{ outcomes: SealOutcome[]; problems: string[] }> {
  const outcomes: SealOutcome[] = [];
  const problems: string[] = [];
  const items = await planSeals(options);
  const closedBefore = new Date(options.now.getTime() - options.graceMinutes * 60_000).toISOString().slice(0, 10);
  for (let back = options.lookbackDays ?? 0; back >= 1; back -= 1) {
    const day = addDays(closedBefore, -back);
    for (const prefix of await options.store.listPrefixes(incomingDayPrefix(day))) {
      const tenantId = segmentValue(prefix, 'tenant');
      if (tenantId && !items.some((item) => item.tenantId === tenantId && item.day === day)) items.push({ tenantId, day });
    }
  }
  for (const { tenantId, day } of items) {
    try {
      const outcome = await sealDay({
        store: options.store,
        tenantId,
        day,
        now: options.now,
        ...(options.readLedger ? { readLedger: options.readLedger } : {}),
      });
      outcomes.push(outcome);
      if (outcome.status !== 'empty') problems.push(...outcome.problems.map((p) => `${tenantId} ${day}: ${p}`));
    } catch (error) {
      await keepPending(options.store, day, tenantId).catch(() => {});
      problems.push(`${tenantId} ${day}: sealing failed: ${(error as Error).message}`);
    }
  }
  return { outcomes, problems };
}
