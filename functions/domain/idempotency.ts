/**
 * What to do with a request given the idempotency record stored under its key, if any:
 * nothing stored means decide afresh; the same request hash means answer as before; another
 * hash means the key was reused for a different request.
 */
export type ReplayDecision = 'proceed' | 'replay' | 'reused';

export function replayDecision(stored: { requestHash: string } | undefined, requestHash: string): ReplayDecision {
  if (!stored) return 'proceed';
  return stored.requestHash === requestHash ? 'replay' : 'reused';
}

/** How a cancelled commit is read: the idempotency record is always the first action. */
export type CancellationOutcome = 'idempotency_taken' | 'idempotency_in_flight' | 'stale' | 'unexpected';

const RETRYABLE = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError']);

export function classifyCancellation(reasonCodes: (string | undefined)[]): CancellationOutcome {
  if (reasonCodes.some((code) => code !== undefined && !RETRYABLE.has(code))) return 'unexpected';
  if (reasonCodes[0] === 'ConditionalCheckFailed') return 'idempotency_taken';
  if (reasonCodes[0] === 'TransactionConflict') return 'idempotency_in_flight';
  return 'stale';
}
