import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { ERROR_CODES, problemTypeUri, type ErrorCode } from '../schemas/error-codes.ts';

/**
 * What API Gateway answers by itself (bad key, throttled, body too large, no such route...)
 * is shaped as the same RFC 9457 problem+json the handlers send, with codes from the one
 * error table, so a partner parses every refusal the same way.
 */
export interface GatewayProblem {
  type: ResponseType;
  code: ErrorCode;
  detail: string;
  /** Headers beyond Content-Type and Cache-Control, static as gateway responses allow. */
  headers?: Record<string, string>;
}

/**
 * Retry-After on what API Gateway refuses by itself. Static values (a gateway response
 * cannot compute one): the usage plan's throttle is per second; a monthly quota renews at
 * the start of the next month, so an hour is a bound for re-checking, not a promise; a
 * failed authorizer is almost always a database blip.
 */
export const GATEWAY_RETRY_AFTER_SECONDS = { THROTTLED: 1, QUOTA_EXCEEDED: 3600, AUTHORIZER_FAILURE: 1 } as const;

export const GATEWAY_PROBLEMS: GatewayProblem[] = [
  {
    type: ResponseType.UNAUTHORIZED,
    code: 'unauthorized',
    detail: 'Send a valid x-api-key header (operators: Authorization: Bearer <token>)',
  },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, code: 'not_found', detail: 'No route matches this method and path' },
  { type: ResponseType.RESOURCE_NOT_FOUND, code: 'not_found', detail: 'No route matches this method and path' },
  { type: ResponseType.EXPIRED_TOKEN, code: 'unauthorized', detail: 'The token has expired' },
  { type: ResponseType.ACCESS_DENIED, code: 'forbidden', detail: 'These credentials lack the scope or role this route needs' },
  { type: ResponseType.INVALID_API_KEY, code: 'forbidden', detail: 'This key is not enabled on a partner plan' },
  { type: ResponseType.WAF_FILTERED, code: 'forbidden', detail: 'The request was refused by the web application firewall' },
  {
    type: ResponseType.THROTTLED,
    code: 'rate_limited',
    detail: 'Too many requests: slow down and retry with the same Idempotency-Key',
    headers: { 'Retry-After': String(GATEWAY_RETRY_AFTER_SECONDS.THROTTLED) },
  },
  {
    type: ResponseType.QUOTA_EXCEEDED,
    code: 'rate_limited',
    detail: "The partner plan's monthly request quota is used up; it renews at the start of next month (UTC)",
    headers: { 'Retry-After': String(GATEWAY_RETRY_AFTER_SECONDS.QUOTA_EXCEEDED) },
  },
  { type: ResponseType.REQUEST_TOO_LARGE, code: 'payload_too_large', detail: 'The request is too large' },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, code: 'unsupported_media_type', detail: 'Send the body as application/json' },
  {
    type: ResponseType.BAD_REQUEST_BODY,
    code: 'validation_error',
    detail: "The request body does not match this route's schema (see /api/v1/openapi.json)",
  },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, code: 'validation_error', detail: 'A required path or query parameter is missing' },
  // The authorizer failed or timed out: almost always its table read (an outage), so retry later.
  {
    type: ResponseType.AUTHORIZER_FAILURE,
    code: 'service_unavailable',
    detail: 'Credentials could not be checked just now; retry shortly',
    headers: { 'Retry-After': String(GATEWAY_RETRY_AFTER_SECONDS.AUTHORIZER_FAILURE) },
  },
  { type: ResponseType.DEFAULT_4XX, code: 'validation_error', detail: 'The request was refused' },
  { type: ResponseType.DEFAULT_5XX, code: 'internal_error', detail: 'Something went wrong on our side; the request may be retried' },
];

/** The body template: static JSON plus the request id API Gateway substitutes. */
export function problemTemplate(code: ErrorCode, detail: string): string {
  const { status, title } = ERROR_CODES[code];
  const body = JSON.stringify({ type: problemTypeUri(code), title, status, code, detail, requestId: '__REQUEST_ID__' });
  return body.replace('"__REQUEST_ID__"', '"$context.requestId"');
}

export function addProblemGatewayResponses(api: RestApi): void {
  for (const { type, code, detail, headers = {} } of GATEWAY_PROBLEMS) {
    api.addGatewayResponse(`Problem-${type.responseType}`, {
      type,
      // The status in the body and on the wire must agree (DEFAULT_4XX covers several statuses).
      statusCode: String(ERROR_CODES[code].status),
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        'Cache-Control': "'no-store'",
        ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`])),
      },
      templates: { 'application/json': problemTemplate(code, detail) },
    });
  }
}
