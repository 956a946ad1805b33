import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gzipSync } from 'node:zlib';
import { GzipLines } from './gzip-lines.ts';

/**
 * The sealer's external sort, on local disk (a Lambda's /tmp, sized for it): the day's records
 * are spread over K buckets by a hash of their record id, so every copy of a record lands in
 * the same bucket; each bucket is then deduplicated and sorted alone, and the K sorted runs are
 * merged into one ordered stream. Memory holds one bucket at a time (K is chosen so a bucket is
 * small) plus a line per run while merging: flat in the day's size.
 *
 * Spilled lines carry the sort key and record id in front of the record's text (length
 * prefixed, so no character in them needs escaping) and the merge never parses JSON.
 */

export interface SpilledRecord {
  sortKey: string;
  recordId: string;
  text: string;
}

const encode = (r: SpilledRecord) => `${r.sortKey.length}:${r.sortKey}${r.recordId.length}:${r.recordId}${r.text}`;

function decode(line: string): SpilledRecord {
  const a = line.indexOf(':');
  const keyLength = Number(line.slice(0, a));
  const sortKey = line.slice(a + 1, a + 1 + keyLength);
  const b = line.indexOf(':', a + 1 + keyLength);
  const idLength = Number(line.slice(a + 1 + keyLength, b));
  return { sortKey, recordId: line.slice(b + 1, b + 1 + idLength), text: line.slice(b + 1 + idLength) };
}

export const bucketOf = (recordId: string, buckets: number) => createHash('sha256').update(recordId).digest().readUInt32BE(0) % buckets;

/** Spills records into K bucket files; buffered lines are flushed as gzip members once they reach `bufferBytes`. */
export class DayPartition {
  private readonly pending: string[][];
  private buffered = 0;
  private readonly dir: string;
  readonly buckets: number;
  private readonly bufferBytes: number;

  constructor(dir: string, buckets: number, bufferBytes = 4 * 1024 * 1024) {
    this.dir = dir;
    this.buckets = buckets;
    this.bufferBytes = bufferBytes;
    this.pending = Array.from({ length: buckets }, () => []);
  }

  private file = (bucket: number) => join(this.dir, `bucket-${bucket}.gz`);
  private runFile = (bucket: number) => join(this.dir, `run-${bucket}.gz`);

  async add(record: SpilledRecord): Promise<void> {
    const line = encode(record);
    this.pending[bucketOf(record.recordId, this.buckets)]!.push(line);
    this.buffered += line.length + 1;
    if (this.buffered >= this.bufferBytes) await this.flush();
  }

  /** Concatenated gzip members are one valid gzip stream, so a bucket file is appended to. */
  async flush(): Promise<void> {
    for (const [bucket, lines] of this.pending.entries()) {
      if (lines.length === 0) continue;
      await appendFile(this.file(bucket), gzipSync(`${lines.join('\n')}\n`, { level: 1 }));
      this.pending[bucket] = [];
    }
    this.buffered = 0;
  }

  /**
   * Each bucket, one at a time: the first copy of every record id kept, identical copies counted
   * as dropped, a copy with other content reported; then sorted and written as a run.
   */
  async sortBuckets(onConflict: (recordId: string) => void): Promise<{ duplicatesDropped: number }> {
    await this.flush();
    let duplicatesDropped = 0;
    for (let bucket = 0; bucket < this.buckets; bucket += 1) {
      const kept = new Map<string, SpilledRecord>();
      for await (const line of this.lines(this.file(bucket))) {
        const record = decode(line);
        const seen = kept.get(record.recordId);
        if (!seen) kept.set(record.recordId, record);
        else if (seen.text === record.text) duplicatesDropped += 1;
        else onConflict(record.recordId);
      }
      const sorted = [...kept.values()].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      kept.clear();
      const run = new GzipLines(1, this.runFile(bucket));
      for (const record of sorted) await run.add(encode(record));
      await run.end();
    }
    return { duplicatesDropped };
  }

  /**
   * A spilled file's lines, streamed (none when the bucket got no record). The stream's own
   * async iterator reads a chunk only when asked, so K open runs hold K chunks; readline's
   * iterator reads ahead without bound and held whole runs in memory while merging.
   */
  private async *lines(file: string): AsyncGenerator<string> {
    if (!existsSync(file)) return;
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for await (const chunk of createReadStream(file, { highWaterMark: 16 * 1024 }).pipe(createGunzip())) {
      const lines = (rest + decoder.write(chunk as Buffer)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line !== '') yield line;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  }

  /** The sorted runs merged: every record once, in sort-key order, read a line at a time. */
  async *merged(): AsyncGenerator<SpilledRecord> {
    const readers = Array.from({ length: this.buckets }, (_, bucket) => this.lines(this.runFile(bucket)));
    const heap: { record: SpilledRecord; reader: number }[] = [];
    const next = async (reader: number) => {
      const step = await readers[reader]!.next();
      if (!step.done) push(heap, { record: decode(step.value), reader });
    };
    for (let reader = 0; reader < readers.length; reader += 1) await next(reader);
    while (heap.length > 0) {
      const top = pop(heap);
      yield top.record;
      await next(top.reader);
    }
  }
}

type Item = { record: SpilledRecord; reader: number };
const less = (a: Item, b: Item) => a.record.sortKey < b.record.sortKey;

function push(heap: Item[], item: Item): void {
  heap.push(item);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (!less(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function pop(heap: Item[]): Item {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
  return top;
}
