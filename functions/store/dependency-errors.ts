/**
 * Errors meaning the database would not or could not serve the call right now, once the SDK's
 * own retries are spent: throttling, timeouts, refused or dropped connections, its own 5xx.
 * They are no bug and not the client's fault; the request either did nothing or committed
 * with its answer lost, and a retry with the same Idempotency-Key settles which. Names and
 * codes follow the SDK's retry classification (@smithy/service-error-classification).
 */
const THROTTLING_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

type SdkLikeError = Error & { code?: string; $metadata?: { httpStatusCode?: number }; errors?: unknown[] };

export function isDependencyUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as SdkLikeError;
  if (THROTTLING_NAMES.has(e.name) || TIMEOUT_NAMES.has(e.name)) return true;
  if (e.code !== undefined && NETWORK_CODES.has(e.code)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  // Connecting to a host with several addresses fails with an AggregateError of each attempt.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isDependencyUnavailable);
}
