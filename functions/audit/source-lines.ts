import { gunzipSync } from 'node:zlib';
import { canonicalJson } from '../domain/hash-chain.ts';
import { dayOf } from './layout.ts';
import type { ObjectStore } from './object-store.ts';
import { recordSortKey, type AuditRecord } from './records.ts';

/**
 * The exporter's objects read line by line for sealing, cheaply: every range of a partitioned
 * seal reads the whole day to pick its own records (seal.ts), so a line is classified without
 * parsing it where it can be. The exporter writes canonical JSON (keys sorted), so a ledger
 * entry's line ends with `},"kind":"ledger.entry","recordId":"ledger:<account>:<wallet>:<seq>",
 * "tenantId":"<tenant>"}` and starts with `{"at":"<instant>"`: its sort key, record id, tenant
 * and day are read from those ends. Any other line is parsed (and re-written canonically).
 * Sealing parses every record it keeps anyway and reports one whose content does not match the
 * key it was sorted by.
 */
export interface SourceLine {
  sortKey: string;
  recordId: string;
  tenantId: string;
  /** The UTC day of `at`, or undefined when `at` is not an instant. */
  day: string | undefined;
  /** The record's canonical JSON (the exporter's own line when it was read without parsing). */
  text: string;
}

const LEDGER_TAIL = '},"kind":"ledger.entry","recordId":"';
const TENANT_TAIL = '","tenantId":"';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SEQ = /^[1-9]\d{0,11}$/;

function dayOfText(at: string): string | undefined {
  if (ISO_INSTANT.test(at)) return at.slice(0, 10);
  try {
    return dayOf(at);
  } catch {
    return undefined;
  }
}

/** A ledger entry's line classified from its two ends, or undefined when it is not one in canonical form. */
function ledgerLine(text: string): SourceLine | undefined {
  if (!text.startsWith('{"at":"') || !text.endsWith('"}')) return undefined;
  const tenantAt = text.lastIndexOf(TENANT_TAIL);
  const kindAt = tenantAt < 0 ? -1 : text.lastIndexOf(LEDGER_TAIL, tenantAt);
  if (kindAt < 0) return undefined;
  const recordId = text.slice(kindAt + LEDGER_TAIL.length, tenantAt);
  const tenantId = text.slice(tenantAt + TENANT_TAIL.length, -2);
  if (!recordId.startsWith('ledger:') || /["\\]/.test(recordId) || /["\\]/.test(tenantId)) return undefined;
  const seqAt = recordId.lastIndexOf(':');
  const walletAt = recordId.lastIndexOf(':', seqAt - 1);
  const seq = recordId.slice(seqAt + 1);
  if (walletAt <= 'ledger'.length || !SEQ.test(seq)) return undefined;
  const accountId = recordId.slice('ledger:'.length, walletAt);
  const wallet = recordId.slice(walletAt + 1, seqAt);
  const at = text.slice(7, text.indexOf('"', 7));
  return { sortKey: `0|${accountId}|${wallet}|${seq.padStart(12, '0')}`, recordId, tenantId, day: dayOfText(at), text };
}

/** One line of an exporter object classified; `error` says why it is not a record. */
export function classifyLine(text: string): SourceLine | { error: string } {
  const fast = ledgerLine(text);
  if (fast) return fast;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const record = parsed as Partial<AuditRecord> | null;
  if (!record || typeof record !== 'object' || typeof record.recordId !== 'string' || typeof record.kind !== 'string') {
    return { error: 'not an audit record (recordId and kind required)' };
  }
  return {
    sortKey: recordSortKey(record as AuditRecord),
    recordId: record.recordId,
    tenantId: String(record.tenantId),
    day: typeof record.at === 'string' ? dayOfText(record.at) : undefined,
    text: canonicalJson(record),
  };
}

/**
 * An exporter object's records, classified, up to its first line that is not one (as
 * `decodeJsonLines` reads it): every reader of the day sees the same records.
 */
export function sourceLines(body: Buffer): { lines: SourceLine[]; count: number; error?: { line: number; reason: string } } {
  let text: string;
  try {
    text = gunzipSync(body).toString('utf8');
  } catch (error) {
    return { lines: [], count: 0, error: { line: 0, reason: `not gzip: ${(error as Error).message}` } };
  }
  const raw = text.split('\n');
  if (raw.at(-1) === '') raw.pop();
  const lines: SourceLine[] = [];
  for (const [index, line] of raw.entries()) {
    const classified = classifyLine(line);
    if ('error' in classified) return { lines, count: lines.length, error: { line: index + 1, reason: classified.error } };
    lines.push(classified);
  }
  return { lines, count: lines.length };
}

/** Exporter objects read at once (a busy tenant-day has one per stream batch). */
const READ_AHEAD = 16;

/**
 * Every listed object's body, in order, `READ_AHEAD` requests in flight: the caller handles one
 * body at a time, so memory holds a window of compressed objects and one object's lines.
 */
export async function forEachSource(
  store: ObjectStore,
  keys: string[],
  handle: (key: string, body: Buffer) => void | Promise<void>,
): Promise<void> {
  const inFlight: Promise<Buffer | undefined>[] = [];
  let next = 0;
  const fill = () => {
    while (inFlight.length < READ_AHEAD && next < keys.length) {
      const body = store.get(keys[next++]!);
      body.catch(() => {}); // awaited in turn below; a failure ahead of it is not unhandled meanwhile
      inFlight.push(body);
    }
  };
  fill();
  for (let index = 0; index < keys.length; index += 1) {
    const body = await inFlight.shift()!;
    fill();
    if (!body) throw new Error(`${keys[index]} was listed but could not be read`);
    await handle(keys[index]!, body);
  }
}
