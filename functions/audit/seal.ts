import type { LedgerEntry } from '../domain/types.ts';
import { decodeJsonLines, encodeJsonLines, line, sha256Hex } from './jsonl.ts';
import { addDays, dayOf, incomingDayPrefix, incomingPrefix, manifestKey, partKey, segmentValue } from './layout.ts';
import {
  countKinds,
  encodeManifest,
  MANIFEST_FORMAT,
  parseManifest,
  walletLabel,
  walletRanges,
  type DayManifest,
  type ManifestObject,
  type WalletGap,
} from './manifest.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';
import { isLedgerEntryRecord, ledgerEntryRecord, recordSortKey, type AuditRecord } from './records.ts';

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
/** Exporter objects read at once while sealing (a busy tenant-day has one per stream batch). */
const READ_CONCURRENCY = 16;

/** `fn` over `items`, at most `limit` at a time, results in the items' order. */
async function mapConcurrently<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await fn(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface SealOptions {
  store: ObjectStore;
  tenantId: string;
  day: string;
  now: Date;
  /** Fills sequence gaps from the table (entries the stream lost, e.g. to the DLQ). */
  readLedger?: LedgerReader;
  partMaxRecords?: number;
}

export type SealOutcome =
  | { status: 'empty'; tenantId: string; day: string }
  | { status: 'unchanged'; tenantId: string; day: string; manifest: DayManifest; problems: string[] }
  | { status: 'sealed'; tenantId: string; day: string; manifest: DayManifest; problems: string[] };

/**
 * Seals one tenant's day: reads every object the exporter wrote for it, keeps each record once
 * (redeliveries wrote some twice), fills sequence gaps from the table when it can, writes the
 * day's records in order as content-named parts, then the manifest. The manifest is written
 * last, so a crash before it leaves only unlisted parts that the next run writes again with
 * the same names. Running it again changes nothing unless new exporter objects arrived.
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
  if (existing && sameSources(existing.sources, sources) && (existing.dayClosed || !dayClosed) && existing.gaps.length === 0) {
    return { status: 'unchanged', tenantId, day, manifest: existing, problems: [] };
  }

  const problems: string[] = [];
  const kept = new Map<string, { record: AuditRecord; text: string }>();
  const sourceObjects: ManifestObject[] = [];
  let duplicatesDropped = 0;
  const bodies = await mapConcurrently(sources, READ_CONCURRENCY, async (source) => {
    const body = await store.get(source.key);
    if (!body) throw new Error(`${source.key} was listed but could not be read`);
    return body;
  });
  for (const [index, source] of sources.entries()) {
    const body = bodies[index]!;
    const decoded = decodeJsonLines(body);
    if (decoded.error) problems.push(`${source.key} line ${decoded.error.line}: ${decoded.error.reason}`);
    sourceObjects.push({ key: source.key, sha256: sha256Hex(body), records: decoded.records.length, bytes: body.length });
    for (const record of decoded.records) {
      if (record.tenantId !== tenantId || dayOf(record.at) !== day) {
        problems.push(`${source.key}: record ${record.recordId} belongs to ${record.tenantId} ${dayOf(record.at)}, not here`);
        continue;
      }
      const text = line(record);
      const seen = kept.get(record.recordId);
      if (!seen) kept.set(record.recordId, { record, text });
      else if (seen.text === text) duplicatesDropped += 1;
      else problems.push(`${source.key}: record ${record.recordId} differs from an earlier copy`);
    }
  }

  const { backfilled, gaps } = await fillGaps(
    [...kept.values()].map((k) => k.record),
    options,
    (record) => {
      kept.set(record.recordId, { record, text: line(record) });
    },
  );
  for (const gap of gaps) problems.push(`wallet ${walletLabel(gap)} seq ${gap.fromSeq}..${gap.toSeq}: ${gap.reason}`);

  const records = [...kept.values()].map((k) => k.record).sort((a, b) => compare(recordSortKey(a), recordSortKey(b)));
  const objects: ManifestObject[] = [];
  const existingParts = new Set(existing?.objects.map((object) => object.key) ?? []);
  const partSize = options.partMaxRecords ?? PART_MAX_RECORDS;
  for (let start = 0, index = 1; start < records.length; start += partSize, index += 1) {
    const slice = records.slice(start, start + partSize);
    const body = encodeJsonLines(slice);
    const sha256 = sha256Hex(body);
    const key = partKey(tenantId, day, index, sha256);
    // Named by content: a part the previous revision already wrote holds exactly these bytes.
    if (!existingParts.has(key)) await store.put(key, body, { contentType: 'application/gzip', sha256 });
    objects.push({ key, sha256, records: slice.length, bytes: body.length });
  }

  const { kinds, tamperEvents } = countKinds(records);
  const manifest: DayManifest = {
    format: MANIFEST_FORMAT,
    tenantId,
    day,
    revision: (existing?.revision ?? 0) + 1,
    sealedAt: options.now.toISOString(),
    dayClosed,
    recordCount: records.length,
    kinds,
    objects,
    wallets: walletRanges(records),
    tamperEvents,
    gaps,
    backfilled,
    duplicatesDropped,
    sources: sourceObjects,
  };
  // A seal that would say the same again (the same gaps still open) is not written again.
  if (existing && sameSeal(existing, manifest)) return { status: 'unchanged', tenantId, day, manifest: existing, problems };
  const body = encodeManifest(manifest);
  await store.put(manifestKey(tenantId, day), body, { contentType: 'application/json', sha256: sha256Hex(body) });
  return { status: 'sealed', tenantId, day, manifest, problems };
}

/**
 * Sequence numbers missing inside a wallet's run for the day. Each is looked up in the table:
 * one dated this day was lost or is late on the stream and is added; one dated another day (a
 * clock step between two hosts at midnight) or absent stays a gap, and verification fails on it.
 */
async function fillGaps(
  records: AuditRecord[],
  options: SealOptions,
  add: (record: AuditRecord) => void,
): Promise<{ backfilled: number; gaps: WalletGap[] }> {
  const seqs = new Map<string, { accountId: string; wallet: string; seqs: number[] }>();
  for (const record of records) {
    if (!isLedgerEntryRecord(record)) continue;
    const label = walletLabel(record.entry);
    const wallet = seqs.get(label) ?? { accountId: record.entry.accountId, wallet: record.entry.wallet, seqs: [] };
    wallet.seqs.push(record.entry.seq);
    seqs.set(label, wallet);
  }
  let backfilled = 0;
  const gaps: WalletGap[] = [];
  for (const wallet of [...seqs.values()].sort((a, b) => compare(walletLabel(a), walletLabel(b)))) {
    const sorted = wallet.seqs.sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i += 1) {
      const fromSeq = sorted[i - 1]! + 1;
      const toSeq = sorted[i]! - 1;
      if (fromSeq > toSeq) continue;
      const found = options.readLedger
        ? await options.readLedger({ tenantId: options.tenantId, accountId: wallet.accountId, wallet: wallet.wallet, fromSeq, toSeq })
        : [];
      const bySeq = new Map(found.map((entry) => [entry.seq, entry]));
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
          add(ledgerEntryRecord(entry));
          backfilled += 1;
        } else if (missingFrom === undefined || reason !== missingReason) {
          closeGap(seq - 1);
          missingFrom = seq;
          missingReason = reason;
        }
      }
      closeGap(toSeq);
    }
  }
  return { backfilled, gaps };
}

function sameSeal(a: DayManifest, b: DayManifest): boolean {
  const { revision: _r1, sealedAt: _s1, ...rest1 } = a;
  const { revision: _r2, sealedAt: _s2, ...rest2 } = b;
  return JSON.stringify(rest1) === JSON.stringify(rest2);
}

function sameSources(sealed: ManifestObject[], current: StoredObject[]): boolean {
  if (sealed.length !== current.length) return false;
  const sizes = new Map(sealed.map((source) => [source.key, source.bytes]));
  return current.every((source) => sizes.get(source.key) === source.size);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface SealPendingOptions {
  store: ObjectStore;
  now: Date;
  /** How many closed days back to look at (the stream keeps records 24 hours: 3 covers every retry). */
  lookbackDays: number;
  /** A day is sealed this long after it ends, so the exporter has caught up. */
  graceMinutes: number;
  readLedger?: LedgerReader;
}

/**
 * The sealing job: every tenant's closed days within the lookback that have exporter objects
 * and no seal covering all of them. Idempotent; on AWS a schedule runs it every hour, offline
 * the stream poller does.
 */
export async function sealPendingDays(options: SealPendingOptions): Promise<{ outcomes: SealOutcome[]; problems: string[] }> {
  const outcomes: SealOutcome[] = [];
  const problems: string[] = [];
  const closedBefore = new Date(options.now.getTime() - options.graceMinutes * 60_000).toISOString().slice(0, 10);
  for (let back = options.lookbackDays; back >= 1; back -= 1) {
    const day = addDays(closedBefore, -back);
    for (const prefix of await options.store.listPrefixes(incomingDayPrefix(day))) {
      const tenantId = segmentValue(prefix, 'tenant');
      if (!tenantId) continue;
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
        problems.push(`${tenantId} ${day}: sealing failed: ${(error as Error).message}`);
      }
    }
  }
  return { outcomes, problems };
}
