import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { canonicalJson } from '../domain/hash-chain.ts';
import type { LedgerEntry } from '../domain/types.ts';
import { ChunkedWriter } from './chunked-writer.ts';
import { line, sha256Hex } from './jsonl.ts';
import {
  addDays,
  dayOf,
  incomingDayPrefix,
  incomingPrefix,
  indexKey,
  manifestKey,
  objectLabel,
  partKey,
  sealWorkKey,
  segmentValue,
} from './layout.ts';
import {
  encodeManifest,
  extendRange,
  MANIFEST_FORMAT,
  type ManifestObject,
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
import { SortedRuns } from './sorted-runs.ts';
import { forEachSource, sourceLines, type SourceLine } from './source-lines.ts';

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
 * Records (copies included) per range: a day with more is cut into ranges of its sort order,
 * each sealed by its own invocation, so the largest work one invocation does is bounded: one
 * range's sort and parts, plus a cheap scan of the whole day to pick its records
 * (bench/seal-scale.ts measures both and extrapolates to 10 million records).
 */
export const RANGE_MAX_RECORDS = 250_000;
/** Sort keys sampled (the smallest hashes of record ids) to cut a big day into even ranges. */
const RANGE_SAMPLE = 4096;
/**
 * V8 flags for the sealing processes (NODE_OPTIONS accepts these two). Sealing allocates fast
 * and holds little (a chunk of a few MB, a read buffer per run, one part's gzip): 2 MB
 * semi-spaces took a third off resident memory at the same speed; and with an old space of at
 * most 256 MB (several times what any step holds) V8 collects before its heap grows far past
 * what is live: a range step's peak fell from about 150 to about 100 MB at the same CPU time
 * (bench/seal-scale.ts, bench/results.md). (`--single-threaded-gc` steadied the peak on a busy
 * machine too, but NODE_OPTIONS refuses it.)
 */
export const SEAL_NODE_OPTIONS = '--max-semi-space-size=2 --max-old-space-size=256';

export interface SealOptions {
  store: ObjectStore;
  tenantId: string;
  day: string;
  now: Date;
  /** Fills sequence gaps from the table (entries the stream lost, e.g. to the DLQ). */
  readLedger?: LedgerReader;
  partMaxRecords?: number;
  /** Records per range (tests cut a handful of records into several ranges). */
  rangeMaxRecords?: number;
  /** Characters per sorted run (tests force several runs from a handful of records). */
  runChars?: number;
  /** Where runs are spilled (a Lambda's /tmp by default). */
  workDir?: string;
}

export type SealOutcome =
  | { status: 'empty'; tenantId: string; day: string }
  | { status: 'unchanged'; tenantId: string; day: string; manifest: DayManifest; problems: string[] }
  | { status: 'sealed'; tenantId: string; day: string; manifest: DayManifest; problems: string[] };

/** One range of a plan: records with `from <= sort key < to` (open where absent). */
export interface PlannedRange {
  range: number;
  from?: string;
  to?: string;
}

/** What the first step of a seal decided, written as `plan.json` for the range and finishing steps. */
export interface SealPlan {
  format: 'rrr-audit-seal-plan/1';
  tenantId: string;
  day: string;
  sourceCount: number;
  sourcesDigest: string;
  /** The exporter objects sealed, as index objects: every range reads exactly these. */
  sourceIndex: ManifestObject[];
  /** Records read, redelivered copies included. */
  lines: number;
  ranges: PlannedRange[];
  /** Unreadable objects and records of another tenant or day, found once here. */
  problems: string[];
}

/** What one range sealed, written as `range-<NNNNN>.json` for the finishing step. */
export interface RangeSummary {
  format: 'rrr-audit-seal-range/1';
  tenantId: string;
  day: string;
  sourcesDigest: string;
  range: number;
  records: number;
  kinds: Record<string, number>;
  tamperEvents: number;
  backfilled: number;
  duplicatesDropped: number;
  objects: ManifestObject[];
  /** Wallets wholly inside the range, in the range's index objects. */
  walletCount: number;
  walletIndex: ManifestObject[];
  /** The range's first and last wallet pieces, held back: the neighbouring ranges may hold the rest of those wallets. */
  edges: WalletRange[];
  gaps: WalletGap[];
  problems: string[];
}

export type PlanOutcome = Exclude<SealOutcome, { status: 'sealed' }> | { status: 'planned'; tenantId: string; day: string; plan: SealPlan };

const planName = 'plan.json';
const rangeName = (range: number) => `range-${String(range).padStart(5, '0')}.json`;
const json = (value: unknown) => Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');

async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  const body = json(value);
  await store.put(key, body, { contentType: 'application/json', sha256: sha256Hex(body) });
}

async function getJson<T>(store: ObjectStore, key: string): Promise<T> {
  const body = await store.get(key);
  if (!body) throw new Error(`${key} is missing: an earlier step of this seal did not finish`);
  return JSON.parse(body.toString('utf8')) as T;
}

async function existingManifest(store: ObjectStore, tenantId: string, day: string): Promise<DayManifest | undefined> {
  const body = await store.get(manifestKey(tenantId, day));
  return body ? parseManifest(body) : undefined;
}

/** Keys the previous revision listed: an object at such a key holds exactly those bytes and is not written again. */
const listedKeys = (existing: DayManifest | undefined) =>
  new Set([...(existing?.objects ?? []), ...(existing?.walletIndex ?? []), ...(existing?.sourceIndex ?? [])].map((object) => object.key));

const isDayClosed = (day: string, now: Date) => now.getTime() >= Date.parse(`${addDays(day, 1)}T00:00:00.000Z`);

/**
 * Seals one tenant's day in this process: the plan, each range, then the manifest, exactly the
 * steps the AuditSeal workflow runs as separate invocations (functions/workflows/definitions.ts).
 * Running it again changes nothing unless new exporter objects arrived.
 */
export async function sealDay(options: SealOptions): Promise<SealOutcome> {
  const planned = await planDay(options);
  if (planned.status !== 'planned') return planned;
  const { plan } = planned;
  for (const range of plan.ranges) await sealRange({ ...options, plan, range: range.range });
  return finishDay({ ...options, plan });
}

/**
 * The first step: lists the day's exporter objects and stops there if the seal already covers
 * them. Otherwise reads them all once, cheaply (source-lines.ts): counts the records, reports
 * unreadable objects and records that belong elsewhere, writes the list of objects sealed as
 * index objects, and cuts the day into ranges of about `RANGE_MAX_RECORDS` records at sort keys
 * sampled by the smallest hashes of their record ids (a sample that ignores redelivered copies
 * and gives the same cut for the same objects). The plan is written as `plan.json`.
 */
export async function planDay(options: SealOptions): Promise<PlanOutcome> {
  const { store, tenantId, day } = options;
  const sources = await store.list(incomingPrefix(day, tenantId));
  if (sources.length === 0) return { status: 'empty', tenantId, day };
  const existing = await existingManifest(store, tenantId, day);
  const digest = sourcesDigest(sources);
  // Sealed already, unless objects arrived since, the day has closed since an early seal, or a
  // gap is left that the table (or a late record) may fill now.
  if (
    existing &&
    existing.sourceCount === sources.length &&
    existing.sourcesDigest === digest &&
    (existing.dayClosed || !isDayClosed(day, options.now)) &&
    existing.gaps.length === 0
  ) {
    await settlePending(store, existing, options.now);
    return { status: 'unchanged', tenantId, day, manifest: existing, problems: [] };
  }

  const problems: string[] = [];
  const sourceIndex = new ChunkedWriter(
    store,
    (i, sha) => indexKey('sources', tenantId, day, objectLabel(i), sha),
    INDEX_MAX_LINES,
    listedKeys(existing),
  );
  const sample = new BottomK(RANGE_SAMPLE);
  let lines = 0;
  await forEachSource(
    store,
    sources.map((source) => source.key),
    async (key, body) => {
      const read = sourceLines(body);
      if (read.error) problems.push(`${key} line ${read.error.line}: ${read.error.reason}`);
      await sourceIndex.add(canonicalJson({ key, sha256: sha256Hex(body), records: read.count, bytes: body.length }));
      for (const record of read.lines) {
        if (record.tenantId !== tenantId || record.day !== day) {
          problems.push(`${key}: record ${record.recordId} belongs to ${record.tenantId} ${record.day ?? '(no day)'}, not here`);
          continue;
        }
        lines += 1;
        sample.add(record.recordId, record.sortKey);
      }
    },
  );
  await sourceIndex.flush();
  const count = Math.max(1, Math.ceil(lines / (options.rangeMaxRecords ?? RANGE_MAX_RECORDS)));
  const keys = sample.sortKeys();
  const cuts = [...new Set(Array.from({ length: count - 1 }, (_, i) => keys[Math.floor(((i + 1) * keys.length) / count)]!))].filter(
    (key) => key !== undefined && key > keys[0]!,
  );
  const ranges: PlannedRange[] = Array.from({ length: cuts.length + 1 }, (_, i) => ({
    range: i + 1,
    ...(i > 0 ? { from: cuts[i - 1]! } : {}),
    ...(i < cuts.length ? { to: cuts[i]! } : {}),
  }));
  const plan: SealPlan = {
    format: 'rrr-audit-seal-plan/1',
    tenantId,
    day,
    sourceCount: sources.length,
    sourcesDigest: digest,
    sourceIndex: sourceIndex.objects,
    lines,
    ranges,
    problems,
  };
  await putJson(store, sealWorkKey(tenantId, day, digest, planName), plan);
  return { status: 'planned', tenantId, day, plan };
}

/** Which plan a later step works from: given, or read back by the digest of the objects it seals. */
export type PlanRef = { plan: SealPlan } | { sourcesDigest: string };

async function readPlan(options: SealOptions & PlanRef): Promise<SealPlan> {
  if ('plan' in options) return options.plan;
  const plan = await getJson<SealPlan>(options.store, sealWorkKey(options.tenantId, options.day, options.sourcesDigest, planName));
  if (plan.sourcesDigest !== options.sourcesDigest) throw new Error(`the plan for ${options.tenantId} ${options.day} is another seal's`);
  return plan;
}

/**
 * The exporter objects a plan seals, read back from its source index objects (each checked
 * against the plan's SHA-256), one index object at a time.
 */
async function forEachPlannedSource(store: ObjectStore, plan: SealPlan, handle: (key: string, body: Buffer) => void): Promise<void> {
  for (const object of plan.sourceIndex) {
    const body = await store.get(object.key);
    if (!body || sha256Hex(body) !== object.sha256) throw new Error(`${object.key} is missing or differs from the plan`);
    const keys = gunzipSync(body)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((text) => (JSON.parse(text) as { key: string }).key);
    await forEachSource(store, keys, handle);
  }
}

/**
 * One range of a planned seal: reads every exporter object the plan lists and keeps the
 * records of this tenant-day whose sort key is in the range, spilled to sorted runs on local
 * disk (sorted-runs.ts); the merged runs give each record once, in order, written as
 * content-named parts while each wallet's range is followed (sequence gaps filled from the
 * table when it can, up to where the next range starts) and written to index objects. The
 * range's first and last wallet pieces are held back for the finishing step, which joins a
 * wallet that crosses a boundary. Writes `range-<NNNNN>.json`. Idempotent: the same plan gives
 * the same objects.
 */
export async function sealRange(options: SealOptions & PlanRef & { range: number }): Promise<RangeSummary> {
  const { store, tenantId, day } = options;
  const plan = await readPlan(options);
  const planned = plan.ranges.find((range) => range.range === options.range);
  if (!planned) throw new Error(`the plan for ${tenantId} ${day} has no range ${options.range}`);
  const several = plan.ranges.length > 1;
  const label = (i: number) => objectLabel(i, several ? planned.range : undefined);
  const written = listedKeys(await existingManifest(store, tenantId, day));
  const dir = await mkdtemp(join(options.workDir ?? tmpdir(), 'rrr-seal-'));
  try {
    const problems: string[] = [];
    const runs = new SortedRuns(dir, options.runChars);
    const inRange = (record: SourceLine) =>
      record.tenantId === tenantId &&
      record.day === day &&
      (planned.from === undefined || record.sortKey >= planned.from) &&
      (planned.to === undefined || record.sortKey < planned.to);
    await forEachPlannedSource(store, plan, (_key, body) => {
      for (const record of sourceLines(body).lines) if (inRange(record)) runs.add(record);
    });

    const parts = new ChunkedWriter(
      store,
      (i, sha) => partKey(tenantId, day, label(i), sha),
      options.partMaxRecords ?? PART_MAX_RECORDS,
      written,
    );
    const walletIndex = new ChunkedWriter(store, (i, sha) => indexKey('wallets', tenantId, day, label(i), sha), INDEX_MAX_LINES, written);
    const kinds: Record<string, number> = {};
    const gaps: WalletGap[] = [];
    const edges: WalletRange[] = [];
    let records = 0;
    let tamperEvents = 0;
    let backfilled = 0;
    let duplicatesDropped = 0;
    let walletCount = 0;
    let range: WalletRange | undefined;
    let first = true;
    const emit = async (record: AuditRecord, text: string) => {
      kinds[record.kind] = (kinds[record.kind] ?? 0) + 1;
      if (TAMPER_KINDS.has(record.kind)) tamperEvents += 1;
      records += 1;
      await parts.add(text);
    };
    const fill = async (open: WalletRange, fromSeq: number, toSeq: number) => {
      const filled = await fillGap(options, open, fromSeq, toSeq);
      for (const found of filled.entries) {
        const backfill = ledgerEntryRecord(found);
        await emit(backfill, line(backfill));
        extendRange(open, found);
        backfilled += 1;
      }
      gaps.push(...filled.gaps);
    };
    // A range after the first may begin inside a wallet, and one before the last may end inside one.
    const closeRange = async (last: boolean) => {
      if (!range) return;
      if ((first && planned.from !== undefined) || (last && planned.to !== undefined)) edges.push(range);
      else {
        await walletIndex.add(canonicalJson(range));
        walletCount += 1;
      }
      first = false;
    };
    const merged = runs.merged({
      onDuplicate: () => {
        duplicatesDropped += 1;
      },
      onConflict: (recordId) => problems.push(`${incomingPrefix(day, tenantId)}: record ${recordId} differs from an earlier copy`),
    });
    for (const spilled of merged) {
      const record = JSON.parse(spilled.text) as AuditRecord;
      if (recordSortKey(record) !== spilled.sortKey) {
        problems.push(`${incomingPrefix(day, tenantId)}: record ${spilled.recordId} does not match its content`);
      }
      if (isLedgerEntryRecord(record)) {
        const { entry } = record;
        if (range && walletLabel(range) === walletLabel(entry)) {
          if (entry.seq > range.lastSeq + 1) await fill(range, range.lastSeq + 1, entry.seq - 1);
          extendRange(range, entry);
        } else {
          await closeRange(false);
          range = startRange(entry);
        }
      }
      await emit(record, spilled.text);
    }
    // Entries missing at the end of the range, before the next range's first entry of the same wallet.
    const next = planned.to === undefined ? undefined : ledgerKeyOf(planned.to);
    if (range && next && walletLabel(range) === walletLabel(next) && range.lastSeq + 1 < next.seq) {
      await fill(range, range.lastSeq + 1, next.seq - 1);
    }
    await closeRange(true);
    await parts.flush();
    await walletIndex.flush();
    const summary: RangeSummary = {
      format: 'rrr-audit-seal-range/1',
      tenantId,
      day,
      sourcesDigest: plan.sourcesDigest,
      range: planned.range,
      records,
      kinds,
      tamperEvents,
      backfilled,
      duplicatesDropped,
      objects: parts.objects,
      walletCount,
      walletIndex: walletIndex.objects,
      edges,
      gaps,
      problems,
    };
    await putJson(store, sealWorkKey(tenantId, day, plan.sourcesDigest, rangeName(planned.range)), summary);
    return summary;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A ledger entry's sort key back to its wallet and sequence number (undefined for other records' keys). */
function ledgerKeyOf(sortKey: string): { accountId: string; wallet: string; seq: number } | undefined {
  if (!sortKey.startsWith('0|')) return undefined;
  const seqAt = sortKey.lastIndexOf('|');
  const walletAt = sortKey.lastIndexOf('|', seqAt - 1);
  return { accountId: sortKey.slice(2, walletAt), wallet: sortKey.slice(walletAt + 1, seqAt), seq: Number(sortKey.slice(seqAt + 1)) };
}

/** Two pieces of one wallet's day, in order, as one range (a gap between them stays in the seal's gaps). */
function joinPieces(before: WalletRange, after: WalletRange): WalletRange {
  return {
    ...before,
    lastSeq: after.lastSeq,
    entries: before.entries + after.entries,
    headHash: after.headHash,
    lastBalance: after.lastBalance,
    lastDebt: after.lastDebt,
  } as WalletRange;
}

/**
 * The last step: reads the plan and every range's summary, joins the wallet pieces held at
 * range boundaries (written to one last wallet index object), and writes the manifest listing
 * the ranges' objects in order. The manifest is written last, so a crash before it leaves only
 * unlisted objects that the next run writes again with the same names.
 */
export async function finishDay(options: SealOptions & PlanRef): Promise<SealOutcome> {
  const { store, tenantId, day } = options;
  const plan = await readPlan(options);
  const existing = await existingManifest(store, tenantId, day);
  const summaries: RangeSummary[] = [];
  for (const range of plan.ranges) {
    const summary = await getJson<RangeSummary>(store, sealWorkKey(tenantId, day, plan.sourcesDigest, rangeName(range.range)));
    if (summary.sourcesDigest !== plan.sourcesDigest || summary.range !== range.range) {
      throw new Error(`range ${range.range} of ${tenantId} ${day} was sealed from other objects than the plan`);
    }
    summaries.push(summary);
  }
  // Empty for a day sealed in one range: only a range with a neighbour holds wallet pieces back.
  const joined = new ChunkedWriter(
    store,
    (i, sha) => indexKey('wallets', tenantId, day, `joined-${objectLabel(i)}`, sha),
    INDEX_MAX_LINES,
    listedKeys(existing),
  );
  let open: WalletRange | undefined;
  let joinedCount = 0;
  for (const piece of summaries.flatMap((summary) => summary.edges)) {
    if (open && walletLabel(open) === walletLabel(piece)) {
      open = joinPieces(open, piece);
      continue;
    }
    if (open) {
      await joined.add(canonicalJson(open));
      joinedCount += 1;
    }
    open = piece;
  }
  if (open) {
    await joined.add(canonicalJson(open));
    joinedCount += 1;
  }
  await joined.flush();

  const kinds: Record<string, number> = {};
  for (const summary of summaries) for (const [kind, n] of Object.entries(summary.kinds)) kinds[kind] = (kinds[kind] ?? 0) + n;
  const sum = (field: 'records' | 'tamperEvents' | 'backfilled' | 'duplicatesDropped' | 'walletCount') =>
    summaries.reduce((total, summary) => total + summary[field], 0);
  const gaps = summaries.flatMap((summary) => summary.gaps);
  const problems = [...plan.problems, ...summaries.flatMap((summary) => summary.problems)];
  for (const gap of gaps) problems.push(`wallet ${walletLabel(gap)} seq ${gap.fromSeq}..${gap.toSeq}: ${gap.reason}`);
  const dayClosed = isDayClosed(day, options.now);
  const manifest: DayManifest = {
    format: MANIFEST_FORMAT,
    tenantId,
    day,
    revision: (existing?.revision ?? 0) + 1,
    sealedAt: options.now.toISOString(),
    dayClosed,
    recordCount: sum('records'),
    kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b))),
    objects: summaries.flatMap((summary) => summary.objects),
    walletCount: sum('walletCount') + joinedCount,
    walletIndex: [...summaries.flatMap((summary) => summary.walletIndex), ...joined.objects],
    tamperEvents: sum('tamperEvents'),
    gaps,
    backfilled: sum('backfilled'),
    duplicatesDropped: sum('duplicatesDropped'),
    sourceCount: plan.sourceCount,
    sourcesDigest: plan.sourcesDigest,
    sourceIndex: plan.sourceIndex,
    ranges: summaries.map((summary, i) => ({
      ...(plan.ranges[i]!.from === undefined ? {} : { from: plan.ranges[i]!.from }),
      records: summary.records,
      objects: summary.objects.length,
    })),
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
}

/** A string of its own (V8 keeps a slice's whole parent string alive; flattening a concatenation copies). */
const own = (text: string) => ` ${text}`.slice(1);

/** 32-bit FNV-1a of a string's UTF-16 code units: a cheap, stable hash for sampling. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The `k` records with the smallest hashes of their ids: a uniform sample of the day's distinct
 * records that redelivered copies do not skew and that is the same however the objects came.
 */
class BottomK {
  private readonly heap: { hash: number; recordId: string; sortKey: string }[] = [];
  private readonly ids = new Set<string>();
  private readonly k: number;

  constructor(k: number) {
    this.k = k;
  }

  private static above(a: { hash: number; recordId: string }, b: { hash: number; recordId: string }): boolean {
    return a.hash > b.hash || (a.hash === b.hash && a.recordId > b.recordId);
  }

  add(recordId: string, sortKey: string): void {
    const hash = fnv1a(recordId);
    const heap = this.heap;
    if (this.ids.has(recordId)) return;
    if (heap.length === this.k && !BottomK.above(heap[0]!, { hash, recordId })) return;
    // Copies: the arguments are slices of a whole exporter object's text, which they would keep alive.
    const item = { hash, recordId: own(recordId), sortKey: own(sortKey) };
    if (heap.length === this.k) {
      this.ids.delete(heap[0]!.recordId);
      heap[0] = item;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && BottomK.above(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && BottomK.above(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    } else {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!BottomK.above(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    }
    this.ids.add(item.recordId);
  }

  sortKeys(): string[] {
    return this.heap.map((item) => item.sortKey).sort();
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
