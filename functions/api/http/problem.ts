import type { APIGatewayProxyResult } from 'aws-lambda';
import { ERROR_CODES, problemTypeUri, type ErrorCode } from '../../../schemas/error-codes.ts';

/** A refusal on its way out of the HTTP layer; the handler chain turns it into RFC 9457 problem details. */
export class ProblemError extends Error {
  /** The domain rule behind it, when it came from a refusal: logged, never sent. */
  rule?: string;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export function problemResponse(
  code: ErrorCode,
  detail: string,
  requestId: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  const { status, title } = ERROR_CODES[code];
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ ...extra, type: problemTypeUri(code), title, status, code, detail, requestId }),
  };
}
