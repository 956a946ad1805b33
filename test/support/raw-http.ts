import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent exactly as given (no normalisation of `..`, no re-encoding), query string included. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Bind the client end of the socket to this address (say 127.0.0.42) to appear as another client IP. */
  localAddress?: string;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON, otherwise undefined. */
  json: any;
}

// Keep-alive keeps thousands of fuzz requests from exhausting ephemeral ports.
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/**
 * One HTTP/1.1 request with nothing in between: unlike fetch, no URL normalisation (a `..`
 * segment or a raw `#` reaches the server as sent) and no header rewriting, so hostile
 * requests arrive as an attacker would send them.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: { ...(body !== undefined ? { 'content-length': String(body.length) } : {}), ...req.headers },
        ...(req.localAddress ? { localAddress: req.localAddress } : { agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
