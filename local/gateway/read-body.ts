import type { IncomingMessage } from 'node:http';

export type BodyRead = { ok: true; body: string | null } | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Reads the request body up to `maxBytes`. Past the limit it stops reading at once, drops
 * what it had and leaves the rest on the socket, which the caller closes after answering,
 * so an oversized upload never sits in memory.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ ok: false, reason: 'too_large' });

  // The client may have hung up while the request was being authorized.
  if (req.destroyed) return Promise.resolve({ ok: false, reason: 'aborted' });

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: BodyRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        chunks.length = 0;
        req.pause();
        finish({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: received === 0 ? null : Buffer.concat(chunks).toString('utf8') });
    const onAbort = () => finish({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    // 'close' before 'end' means the client went away mid-body.
    req.on('close', onAbort);
  });
}
