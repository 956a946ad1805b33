import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';

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

  constructor(dir: string, buckets: number, bufferBytes = 16 * 1024 * 1024) {
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
      let text: string;
      try {
        text = gunzipSync(await readFile(this.file(bucket))).toString('utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        text = '';
      }
      const kept = new Map<string, SpilledRecord>();
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const record = decode(line);
        const seen = kept.get(record.recordId);
        if (!seen) kept.set(record.recordId, record);
        else if (seen.text === record.text) duplicatesDropped += 1;
        else onConflict(record.recordId);
      }
      text = '';
      const sorted = [...kept.values()].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      kept.clear();
      await writeFile(this.runFile(bucket), gzipSync(sorted.map((r) => `${encode(r)}\n`).join(''), { level: 1 }));
    }
    return { duplicatesDropped };
  }

  /** The sorted runs merged: every record once, in sort-key order, read a line at a time. */
  async *merged(): AsyncGenerator<SpilledRecord> {
    const readers = Array.from({ length: this.buckets }, (_, bucket) =>
      createInterface({ input: createReadStream(this.runFile(bucket)).pipe(createGunzip()), crlfDelay: Infinity })[Symbol.asyncIterator](),
    );
    const heap: { record: SpilledRecord; reader: number }[] = [];
    const next = async (reader: number) => {
      const step = await readers[reader]!.next();
      if (!step.done && step.value !== '') push(heap, { record: decode(step.value), reader });
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
