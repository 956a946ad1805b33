import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { ZodMiniType } from 'zod/mini';
import { issueMessage } from './issue-message.ts';
import { ProblemError } from './problem.ts';

/** Request bodies are small JSON documents; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

/**
 * Parses what a route declares; a refusal names each field and what it expected, as
 * `errors: [{ path, message }]` and, for the first one, in `detail`
 * (`body.source.subtotalCents: expected an integer, received string`).
 */
export function validate<T>(schema: ZodMiniType<T>, value: unknown, where: string): T {
  const result = z.safeParse(schema, value, { error: issueMessage });
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more in errors)` : '';
  throw new ProblemError('validation_error', `${errors[0]?.path}: ${errors[0]?.message}${more}`, { errors });
}

export function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
}

export function parseJsonBody(event: APIGatewayProxyEvent): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new ProblemError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  }
  if (text.trim() === '') throw new ProblemError('validation_error', 'A JSON request body is required');
  const contentType = headerValue(event, 'content-type') ?? '';
  if (!/^application\/([a-z.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new ProblemError('unsupported_media_type', 'Send the body as application/json');
  }
  // JSON is UTF-8 (RFC 8259): a body declared in another charset would be read as garbage.
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    throw new ProblemError(
      'unsupported_media_type',
      `Send the body as UTF-8 (application/json; charset=utf-8), not ${charset.slice(0, 40)}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ProblemError('validation_error', 'The request body is not valid JSON');
  }
}

export function idempotencyKeyOf(event: APIGatewayProxyEvent): string {
  const key = headerValue(event, 'idempotency-key');
  if (key === undefined || key === '') {
    throw new ProblemError('idempotency_key_missing', 'Send an Idempotency-Key header (1 to 255 printable characters)');
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ProblemError('validation_error', 'Idempotency-Key must be 1 to 255 printable ASCII characters');
  }
  return key;
}

/** Query parameters given more than once are ambiguous: refuse rather than pick one. */
export function singleQueryParams(event: APIGatewayProxyEvent): Record<string, string> {
  const multi = event.multiValueQueryStringParameters ?? {};
  for (const [name, values] of Object.entries(multi)) {
    if ((values?.length ?? 0) > 1) throw new ProblemError('validation_error', `Query parameter ${name} is repeated`);
  }
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
