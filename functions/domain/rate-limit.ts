/** Writes one account may take per minute unless its tenant says otherwise. */
export const DEFAULT_ACCOUNT_WRITES_PER_MINUTE = 600;

export interface RateWindow {
  startedAt: string;
  count: number;
}

/**
 * A fixed one-minute window counted on the account item itself, so the count is written by
 * the same conditional transaction as the request: concurrent requests cannot overshoot it,
 * and it costs no extra item. Refused requests write nothing and so are not counted.
 */
export function countAccountWrite(
  previous: RateWindow | undefined,
  now: string,
  limit: number,
): { ok: true; window: RateWindow } | { ok: false; retryAfterSeconds: number } {
  const startedAt = `${now.slice(0, 16)}:00.000Z`;
  const count = previous?.startedAt === startedAt ? previous.count + 1 : 1;
  if (count > limit) {
    const nextWindowMs = Date.parse(startedAt) + 60_000;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((nextWindowMs - Date.parse(now)) / 1000)) };
  }
  return { ok: true, window: { startedAt, count } };
}
