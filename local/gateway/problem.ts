import type { ServerResponse } from 'node:http';
import { ERROR_CODES, problemTypeUri, type ErrorCode } from '../../schemas/error-codes.ts';

/** Writes an RFC 9457 problem the same shape the handlers answer with. */
export function writeProblem(
  res: ServerResponse,
  code: ErrorCode,
  detail: string,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  const { status, title } = ERROR_CODES[code];
  const body = JSON.stringify({ type: problemTypeUri(code), title, status, code, detail, requestId });
  res.writeHead(status, {
    ...extraHeaders,
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
