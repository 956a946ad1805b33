/**
 * How a cancelled commit is read. The idempotency record is always the first action of the
 * transaction; every other item is guarded by a version or an existence condition.
 */
export type CancellationOutcome = 'idempotency_taken' | 'idempotency_in_flight' | 'stale' | 'unexpected';

const RETRYABLE = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError']);

export function classifyCancellation(reasonCodes: (string | undefined)[]): CancellationOutcome {
  if (reasonCodes.some((code) => code !== undefined && !RETRYABLE.has(code))) return 'unexpected';
  if (reasonCodes[0] === 'ConditionalCheckFailed') return 'idempotency_taken';
  if (reasonCodes[0] === 'TransactionConflict') return 'idempotency_in_flight';
  return 'stale';
}
