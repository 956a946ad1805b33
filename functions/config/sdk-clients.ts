/**
 * Bounds for every AWS SDK call the functions make, so a stalled dependency answers within a
 * few seconds instead of holding the request until the Lambda times out. Each attempt is cut
 * at `requestTimeout` (a deadline on the whole attempt, connecting included: Smithy's
 * NodeHttpHandler only warns unless `throwOnRequestTimeout` is set) and at `connectionTimeout`
 * when no connection is made; the SDK retries a timeout (it is transient) up to `maxAttempts`
 * in all, with its jittered backoff (at most 0.05 s before the 2nd attempt and 0.1 s before
 * the 3rd after a timeout; up to 1 s and 2 s after throttling, which is answered at once).
 * Worst case of one call (the arithmetic is in the README's design section):
 *
 * - DynamoDB: 2 attempts x 3 s + 0.05 s = about 6 s, within the API functions' 10 s. Real
 *   DynamoDB answers in milliseconds; 3 s leaves room for a cold connection and for DynamoDB
 *   Local on a busy machine, where 1.5 s was seen to be too short.
 * - S3: 2 attempts x 3 s + 0.05 s = about 6 s (audit objects are larger than table items).
 * - Secrets Manager (once, in the init phase, itself capped at 10 s): 3 x 2 s + 0.15 s.
 * - API Gateway (tenant creation registers a usage key: two calls): 2 x 3 s + 0.05 s each.
 *
 * A timed-out call surfaces as a `TimeoutError`, which functions/store/dependency-errors.ts
 * classifies as the dependency being unavailable: 503 service_unavailable with Retry-After.
 * No endpoint, addressing style or checksum setting lives here: offline those come from the
 * SDK's standard environment variables, set only by local/ and the tests.
 */
function bounded(maxAttempts: number, connectionTimeout: number, requestTimeout: number) {
  return { maxAttempts, requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true } } as const;
}

export const DYNAMODB_CLIENT_LIMITS = bounded(2, 1000, 3000);
export const S3_CLIENT_LIMITS = bounded(2, 1000, 3000);
export const SECRETS_MANAGER_CLIENT_LIMITS = bounded(3, 1000, 2000);
export const API_GATEWAY_CLIENT_LIMITS = bounded(2, 1000, 3000);
/** Step Functions (starting an approval's workflow, handing it a decision): 2 x 3 s + 0.05 s. */
export const STEP_FUNCTIONS_CLIENT_LIMITS = bounded(2, 1000, 3000);
