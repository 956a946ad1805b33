import type { APIGatewayProxyResult } from 'aws-lambda';
import { ERROR_CODES, problemTypeUri, type ErrorCode } from '../../../schemas/error-codes.ts';
export { ProblemError } from '../../usecases/problem-error.ts';

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
