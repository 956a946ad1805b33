import { expect } from 'vitest';
import { ERROR_CODES } from '../../schemas/error-codes.ts';
import type { RawResponse } from './raw-http.ts';

/**
 * What an answer must never show: stack frames, source paths, module or runtime names, AWS
 * error names, the server's software. Matched against whole response texts.
 */
export const INTERNALS_PATTERN =
  /\bat [\w.<>$]+ \(|\bat (?:file|node):|node_modules|\/work\/|\.ts:\d+|\.js:\d+|\b\w+(?:Exception|Error):|TypeError|ReferenceError|DynamoDB|TransactionCanceled|ConditionalCheckFailed|ResourceNotFound|ValidationException|TABLE_NAME|HASH_KEY|Node\.js|node:internal|undici/;

/** Response headers that advertise the server's software or version. */
export const FINGERPRINT_HEADERS = ['x-powered-by', 'server', 'x-aspnet-version', 'x-runtime', 'x-amz-apigw-id-debug'];

export function expectNoInternals(response: RawResponse, label = ''): void {
  expect(response.text, `${label}: response reveals internals`).not.toMatch(INTERNALS_PATTERN);
  for (const name of FINGERPRINT_HEADERS) expect(response.headers[name], `${label}: header ${name}`).toBeUndefined();
}

/**
 * An RFC 9457 problem with a documented code whose status is the answer's status, nothing
 * internal in it; optionally exactly the status and code expected.
 */
export function expectProblem(response: RawResponse, status?: number, code?: string, label = ''): void {
  const where = `${label} ${response.status} ${response.text.slice(0, 300)}`;
  if (status !== undefined) expect(response.status, where).toBe(status);
  expect(response.status, where).toBeGreaterThanOrEqual(400);
  expect(String(response.headers['content-type']), where).toMatch(/^application\/problem\+json/);
  const body = response.json as Record<string, unknown> | undefined;
  expect(body, where).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: response.status,
    code: expect.any(String),
    detail: expect.any(String),
    requestId: expect.any(String),
  });
  const documented = ERROR_CODES[body!.code as keyof typeof ERROR_CODES];
  expect(documented, `${where}: undocumented code`).toBeDefined();
  expect(documented.status, where).toBe(response.status);
  if (code !== undefined) expect(body!.code, where).toBe(code);
  expectNoInternals(response, label);
}
