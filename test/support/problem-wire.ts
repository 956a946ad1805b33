import { expect } from 'vitest';
import { ERROR_CODES, problemTypeUri, type ErrorCode } from '../../schemas/error-codes.ts';

/** An answer as a client sees it: status, headers by lower-case name, parsed body. */
export interface WireProblem {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * The one expected shape of a problem answer, whoever gives it (a handler, the local gateway,
 * an API Gateway gateway response or mock, AWS WAF): status and code from the error table,
 * exactly the RFC 9457 members the handlers send, problem+json, never cached, and a
 * Retry-After in whole seconds on 429 and 503. `contentType` names the one documented
 * exception (WAF can only say application/json).
 */
export function expectProblemWire(
  actual: WireProblem,
  code: ErrorCode,
  extra: { contentType?: string; headers?: Record<string, string> } = {},
): void {
  const { status, title } = ERROR_CODES[code];
  expect(actual.status, code).toBe(status);
  expect(Object.keys(actual.body).sort(), code).toEqual(['code', 'detail', 'requestId', 'status', 'title', 'type']);
  expect(actual.body, code).toEqual({
    type: problemTypeUri(code),
    title,
    status,
    code,
    detail: expect.any(String),
    requestId: expect.any(String),
  });
  expect(actual.headers['content-type'], code).toBe(extra.contentType ?? 'application/problem+json');
  expect(actual.headers['cache-control'], code).toBe('no-store');
  if (status === 429 || status === 503) expect(actual.headers['retry-after'], code).toMatch(/^[1-9]\d*$/);
  for (const [name, value] of Object.entries(extra.headers ?? {})) expect(actual.headers[name], `${code} ${name}`).toBe(value);
}

/** A fetch Response read as a WireProblem. */
export async function wireOf(response: Response): Promise<WireProblem> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: (await response.json()) as Record<string, unknown> };
}

/** Static header mappings (`'value'`) of a template, as they reach the client. */
export function staticHeaders(parameters: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).map(([key, value]) => {
      expect(key.startsWith(prefix), key).toBe(true);
      expect(value, key).toMatch(/^'.*'$/);
      return [key.slice(prefix.length).toLowerCase(), value.slice(1, -1)];
    }),
  );
}

/** A mapping template rendered as API Gateway would for one request. */
export const renderTemplate = (template: string) =>
  JSON.parse(template.replaceAll('$context.requestId', 'req-0123')) as Record<string, unknown>;
