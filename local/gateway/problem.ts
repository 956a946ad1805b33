import type { ServerResponse } from 'node:http';
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
