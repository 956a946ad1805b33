import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { sha256Hex } from './jsonl.ts';
import { baseName, dayOf } from './layout.ts';
import type { DayManifest } from './manifest.ts';
import type { ObjectStore } from './object-store.ts';
import type { AuditRecord } from './records.ts';

/**
 * A sealed day's records streamed part by part, in the day's order, each part checked against
 * the manifest (SHA-256, record count) and each record against the day (tenant, UTC day).
 * Memory stays at a few parts of gzip (a part is at most PART_MAX_RECORDS records, a few MB)
 * plus one line, whatever the day's size: the next parts are fetched while one is read, and
 * no part is ever decompressed whole.
 */

/** Parts fetched ahead of the one being read: S3 latency overlaps the parsing. */
const PREFETCH = 2;

/** What does not match the seal; the caller counts and lists them (reading goes on). */
export type ProblemSink = (problem: string) => void;

export async function* sealedRecords(store: ObjectStore, manifest: DayManifest, problem: ProblemSink): AsyncGenerator<AuditRecord> {
  const { objects, tenantId, day } = manifest;
  const pending: (Promise<Buffer | undefined> | undefined)[] = [];
  const start = (index: number) => {
    const object = objects[index];
    if (!object) return;
    const body = store.get(object.key);
    // Handled here so a failed prefetch never surfaces as an unhandled rejection; awaiting it below still throws.
    body.catch(() => undefined);
    pending[index] = body;
  };
  for (let index = 0; index < PREFETCH; index += 1) start(index);
  for (const [index, object] of objects.entries()) {
    const body = await pending[index];
    pending[index] = undefined;
    start(index + PREFETCH);
    const name = `${tenantId} ${day} ${baseName(object.key)}`;
    if (!body) {
      problem(`${name}: listed in the manifest but not in the bucket`);
      continue;
    }
    if (sha256Hex(body) !== object.sha256) {
      // Its content is not what was sealed: nothing in it is replayed.
      problem(`${name}: SHA-256 does not match the manifest (not read)`);
      continue;
    }
    let count = 0;
    try {
      for await (const text of gzipLines(body)) {
        count += 1;
        const record = JSON.parse(text) as AuditRecord;
        if (record.tenantId !== tenantId || typeof record.at !== 'string' || dayOf(record.at) !== day) {
          problem(`${name} line ${count}: record ${String(record.recordId)} does not belong to ${tenantId} ${day}`);
          continue;
        }
        yield record;
      }
    } catch (error) {
      problem(`${name} line ${count + 1}: unreadable (${(error as Error).message})`);
      continue;
    }
    if (count !== object.records) problem(`${name}: holds ${count} records, the manifest says ${object.records}`);
  }
}

/** The lines of a gzip body, decompressed as they are read (a whole part's text is never held). */
async function* gzipLines(body: Buffer): AsyncGenerator<string> {
  const gunzip = createGunzip();
  gunzip.end(body);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line !== '') yield line;
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}
