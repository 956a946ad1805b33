/**
 * The local stand-in for an API Gateway usage plan's throttle: a token bucket per usage
 * identifier key, the tenant's usage key the partner authorizer returns (steady rate,
 * burst). On AWS the usage plan does this by the same key, after the authorizer and before
 * the route's Lambda runs.
 */
export interface KeyRateLimit {
  perSecond: number;
  burst: number;
}

export function createKeyRateLimiter(limit: KeyRateLimit, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** Takes a token for the key; when none is left, answers how many seconds to wait. */
  return function take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: t };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond);
    bucket.at = t;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)) };
    bucket.tokens -= 1;
    return { ok: true };
  };
}
