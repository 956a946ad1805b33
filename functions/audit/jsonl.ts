import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { canonicalJson } from '../domain/hash-chain.ts';
import type { AuditRecord } from './records.ts';

/**
 * Gzip-compressed JSON Lines, one record per line in canonical JSON (keys sorted), so the same
 * records always make the same bytes: a redelivered batch rewrites its object identically, and
 * a line's text is its identity when duplicates are compared.
 */

export const line = (record: AuditRecord) => canonicalJson(record);

/** gzip writes no file name and a zero mtime here, so the output depends on the input alone. */
export function encodeJsonLines(records: AuditRecord[]): Buffer {
  const text = records.map((record) => `${line(record)}\n`).join('');
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
}

/** The lines of an export object, parsed; `error` names the first line that is not a record. */
export function decodeJsonLines(body: Buffer): { records: AuditRecord[]; error?: { line: number; reason: string } } {
  let text: string;
  try {
    text = gunzipSync(body).toString('utf8');
  } catch (error) {
    return { records: [], error: { line: 0, reason: `not gzip: ${(error as Error).message}` } };
  }
  const records: AuditRecord[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, raw] of lines.entries()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { records, error: { line: index + 1, reason: 'not JSON' } };
    }
    const record = parsed as Partial<AuditRecord> | null;
    if (!record || typeof record !== 'object' || typeof record.recordId !== 'string' || typeof record.kind !== 'string') {
      return { records, error: { line: index + 1, reason: 'not an audit record (recordId and kind required)' } };
    }
    records.push(record as AuditRecord);
  }
  return { records };
}

export const sha256Hex = (body: Buffer | string) => createHash('sha256').update(body).digest('hex');
