import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/**
 * The sealer's external sort, on local disk (a Lambda's /tmp): records are gathered into a
 * chunk of at most `runChars` characters, each full chunk is sorted and written as a run, and
 * the runs are merged into one ordered stream. Each record is one line,
 * `<sortKey>\t<recordId>\t<canonical JSON>` (tabs and newlines occur in none of them: JSON
 * escapes them, ids are validated), so sorting the lines as strings orders by sort key, then
 * record id, then content. Every copy of a record therefore comes out next to the others: the
 * merge keeps the first, counts identical copies as dropped and reports a copy with other
 * content. Memory holds one chunk while gathering and a read buffer per run while merging.
 */

export interface SortedRecord {
  sortKey: string;
  recordId: string;
  text: string;
}

/** Characters gathered before a chunk is sorted and spilled (a few MB of one-byte strings). */
export const RUN_CHARS = 4 * 1024 * 1024;
/** Bytes read at a time from each run while merging. */
const READ_BYTES = 64 * 1024;

export class SortedRuns {
  private chunk: string[] = [];
  private chars = 0;
  private readonly files: string[] = [];
  private readonly dir: string;
  private readonly runChars: number;

  constructor(dir: string, runChars = RUN_CHARS) {
    this.dir = dir;
    this.runChars = runChars;
  }

  /** How many runs were spilled (the merge's fan-in). */
  get runs(): number {
    return this.files.length;
  }

  add(record: SortedRecord): void {
    if (/[\t\n]/.test(record.sortKey) || /[\t\n]/.test(record.recordId)) {
      throw new Error(`record id ${JSON.stringify(record.recordId)} holds a tab or a newline; no exported record does`);
    }
    // Joined into a string of its own: the parts are slices of a whole exporter object's text,
    // which a template literal would keep alive until the chunk is spilled.
    const line = [record.sortKey, record.recordId, record.text].join('\t');
    this.chunk.push(line);
    this.chars += line.length + 1;
    if (this.chars >= this.runChars) this.spill();
  }

  private spill(): void {
    if (this.chunk.length === 0) return;
    this.chunk.sort();
    const file = join(this.dir, `run-${this.files.length}.txt`);
    writeFileSync(file, `${this.chunk.join('\n')}\n`);
    this.files.push(file);
    this.chunk = [];
    this.chars = 0;
  }

  /**
   * Every record once, in order (sort key, then record id). `onDuplicate` hears of each
   * identical copy dropped, `onConflict` of each copy whose content differs from the one kept.
   */
  *merged(handlers: { onDuplicate: () => void; onConflict: (recordId: string) => void }): Generator<SortedRecord> {
    this.spill();
    const readers = this.files.map((file) => lineReader(file));
    const heap: Head[] = [];
    const advance = (reader: number) => {
      const step = readers[reader]!.next();
      if (!step.done) push(heap, { line: step.value, reader });
    };
    for (let reader = 0; reader < readers.length; reader += 1) advance(reader);
    let previousId: string | undefined;
    let previousText: string | undefined;
    while (heap.length > 0) {
      const top = pop(heap);
      advance(top.reader);
      const keyEnd = top.line.indexOf('\t');
      const idEnd = top.line.indexOf('\t', keyEnd + 1);
      const identity = top.line.slice(0, idEnd);
      const text = top.line.slice(idEnd + 1);
      if (identity === previousId) {
        if (text === previousText) handlers.onDuplicate();
        else handlers.onConflict(top.line.slice(keyEnd + 1, idEnd));
        continue;
      }
      previousId = identity;
      previousText = text;
      yield { sortKey: top.line.slice(0, keyEnd), recordId: top.line.slice(keyEnd + 1, idEnd), text };
    }
  }
}

/** A run's lines, read `READ_BYTES` at a time (synchronous: the sealer has nothing else to do meanwhile). */
function* lineReader(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const read = readSync(fd, buffer, 0, READ_BYTES, null);
      if (read === 0) break;
      const lines = (rest + decoder.write(buffer.subarray(0, read))).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line !== '') yield line;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

type Head = { line: string; reader: number };

function push(heap: Head[], item: Head): void {
  heap.push(item);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (!(heap[i]!.line < heap[parent]!.line)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function pop(heap: Head[]): Head {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]!.line < heap[m]!.line) m = l;
      if (r < heap.length && heap[r]!.line < heap[m]!.line) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
  return top;
}
