import { gzipSync } from 'node:zlib';
import { sha256Hex } from './jsonl.ts';
import type { ManifestObject } from './manifest.ts';
import type { ObjectStore } from './object-store.ts';

/**
 * Writes a stream of JSON Lines as content-named gzip objects of at most `maxLines` lines each
 * (parts, wallet index, source index), holding one object's lines at a time. An object whose
 * key the previous revision already listed holds exactly these bytes and is not written again.
 */
export class ChunkedWriter {
  readonly objects: ManifestObject[] = [];
  private lines: string[] = [];
  private readonly store: ObjectStore;
  private readonly keyOf: (index: number, sha256: string) => string;
  private readonly maxLines: number;
  private readonly alreadyWritten: Set<string>;

  constructor(store: ObjectStore, keyOf: (index: number, sha256: string) => string, maxLines: number, alreadyWritten: Set<string>) {
    this.store = store;
    this.keyOf = keyOf;
    this.maxLines = maxLines;
    this.alreadyWritten = alreadyWritten;
  }

  async add(line: string): Promise<void> {
    this.lines.push(line);
    if (this.lines.length >= this.maxLines) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    // The same bytes as encodeJsonLines (gzip level 9, canonical lines), so parts keep their names.
    const body = gzipSync(Buffer.from(this.lines.map((line) => `${line}\n`).join(''), 'utf8'), { level: 9 });
    const sha256 = sha256Hex(body);
    const key = this.keyOf(this.objects.length + 1, sha256);
    if (!this.alreadyWritten.has(key)) await this.store.put(key, body, { contentType: 'application/gzip', sha256 });
    this.objects.push({ key, sha256, records: this.lines.length, bytes: body.length });
    this.lines = [];
  }
}
