import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../../schemas/error-codes.ts';
import { problemResponse } from '../../functions/api/http/problem.ts';

/** Writes the very problem response a handler would give, for refusals the gateway makes itself. */
export function writeProblem(
  res: ServerResponse,
  code: ErrorCode,
  detail: string,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  const problem = problemResponse(code, detail, requestId, {}, extraHeaders);
  res.writeHead(problem.statusCode, { ...problem.headers, 'content-length': Buffer.byteLength(problem.body) });
  res.end(problem.body);
}

/**
 * For a request Node's parser refused before any handler saw it: headers (request line
 * included) beyond Node's limit are 431, anything else is not valid HTTP. The connection is closed after the answer, since the stream is out of step.
 */
export function writeRawProblem(socket: Duplex, error: NodeJS.ErrnoException): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const problem = problemResponse(
    tooLarge ? 'request_header_fields_too_large' : 'validation_error',
    tooLarge ? 'The request headers are too large' : 'The request is not valid HTTP/1.1',
    randomUUID(),
  );
  const headers = { ...problem.headers, 'content-length': String(Buffer.byteLength(problem.body)), connection: 'close' };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${String(value)}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${problem.statusCode} ${STATUS_CODES[problem.statusCode]}\r\n${head}\r\n${problem.body}`);
}
