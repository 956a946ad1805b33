import { GzipLines } from './gzip-lines.ts';
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
  private body: GzipLines | undefined;
  private count = 0;
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
    // Level 6: level 9 took most of the sealing time for a few percent of size (bench/seal-scale.ts).
    this.body ??= new GzipLines(6);
    await this.body.add(line);
    this.count += 1;
    if (this.count >= this.maxLines) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.body) return;
    const body = await this.body.end();
    const sha256 = sha256Hex(body);
    const key = this.keyOf(this.objects.length + 1, sha256);
    if (!this.alreadyWritten.has(key)) await this.store.put(key, body, { contentType: 'application/gzip', sha256 });
    this.objects.push({ key, sha256, records: this.count, bytes: body.length });
    this.body = undefined;
    this.count = 0;
  }
}
