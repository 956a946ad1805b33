import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';

/** Lines gathered to about this many characters before they go to zlib (one write per line costs more). */
const BATCH_CHARS = 64 * 1024;

/**
 * Gzip of lines, streamed: only the compressed bytes are held (or, with `file`, none), so an
 * object of 20,000 records costs its gzip size in memory, not its text. Without a flush in
 * between, deflate's output does not depend on how its input was cut: the same lines give the
 * same bytes as gzipSync of their text.
 */
export class GzipLines {
  private readonly gzip: Gzip;
  private readonly chunks: Buffer[] = [];
  private batch = '';
  private readonly done: Promise<unknown>;

  constructor(level: number, file?: string) {
    this.gzip = createGzip({ level });
    if (file) {
      const out = createWriteStream(file);
      this.gzip.pipe(out);
      this.done = once(out, 'finish');
    } else {
      this.gzip.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.done = once(this.gzip, 'end');
    }
  }

  async add(line: string): Promise<void> {
    this.batch += `${line}\n`;
    if (this.batch.length >= BATCH_CHARS) await this.write();
  }

  private async write(): Promise<void> {
    const text = this.batch;
    this.batch = '';
    if (!this.gzip.write(text)) await once(this.gzip, 'drain');
  }

  /** Ends the stream; the gzip bytes (empty when written to a file). */
  async end(): Promise<Buffer> {
    if (this.batch !== '') await this.write();
    this.gzip.end();
    await this.done;
    return Buffer.concat(this.chunks);
  }
}
