import { describe, expect, it } from 'vitest';
import { replayDecision } from '../../functions/domain/idempotency.ts';
import { classifyCancellation } from '../../functions/store/cancellation.ts';

describe('replayDecision', () => {
  const cases: [string, { requestHash: string } | undefined, string][] = [
    ['nothing stored: decide afresh', undefined, 'proceed'],
    ['same request: replay the stored answer', { requestHash: 'h1' }, 'replay'],
    ['different request under the key: refuse', { requestHash: 'h2' }, 'reused'],
  ];
  for (const [name, stored, expected] of cases) it(name, () => expect(replayDecision(stored, 'h1')).toBe(expected));
});

describe('classifyCancellation', () => {
  const cases: [string, (string | undefined)[], string][] = [
    ['the key was committed by another request', ['ConditionalCheckFailed', 'None', 'None'], 'idempotency_taken'],
    ['the key is being committed right now', ['TransactionConflict', 'None'], 'idempotency_in_flight'],
    ['the account moved under the decision', ['None', 'ConditionalCheckFailed', 'None'], 'stale'],
    ['a conflict elsewhere in the transaction', ['None', 'TransactionConflict'], 'stale'],
    ['throttling', ['None', 'ThrottlingError'], 'stale'],
    ['a validation error is a bug, not a retry', ['None', 'ValidationError'], 'unexpected'],
  ];
  for (const [name, codes, expected] of cases) it(name, () => expect(classifyCancellation(codes)).toBe(expected));
});
