import { describe, expect, it } from 'vitest';
import { replayDecision } from '../../functions/domain/idempotency.ts';
import { classifyCancellation } from '../../functions/store/cancellation.ts';
import { idempotencyToItem, itemToIdempotency } from '../../functions/store/idempotency-record.ts';
import { keys } from '../../functions/store/keys.ts';

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

describe('idempotency keys and records', () => {
  it('each caller kind has its own key space in a tenant, and no key in one spells a key in another', () => {
    const pk = (namespace: 'partner' | 'operator' | 'system', key: string) => keys.idempotency('t1', namespace, key).PK;
    expect(new Set([pk('partner', 'k'), pk('operator', 'k'), pk('system', 'k')]).size).toBe(3);
    // A partner key cannot be crafted to land in the operator or system space.
    expect(pk('partner', '~OP#k')).not.toBe(pk('operator', 'k'));
    expect(pk('partner', 'OP#k')).not.toBe(pk('operator', 'k'));
    // Partner keys keep the prefix they had before the split, so older records still replay.
    expect(pk('partner', 'k')).toBe('T#t1#IDEM#k');
  });

  it('stores the answer as exact JSON text and reads it back unchanged', () => {
    const bodyJson = '{"z":1,"a":{"y":2,"b":3}}';
    const record = {
      tenantId: 't1',
      namespace: 'operator' as const,
      idempotencyKey: 'k',
      requestHash: 'h',
      operationId: 'op',
      result: { effect: 'created' as const, bodyJson },
      createdAt: '2026-06-01T12:00:00.000Z',
    };
    expect(itemToIdempotency(idempotencyToItem(record))).toEqual(record);
  });

  it('still reads a record stored before answers were kept as text', () => {
    const legacy = {
      ...keys.idempotency('t1', 'partner', 'old'),
      entity: 'IDEMPOTENCY',
      tenantId: 't1',
      idempotencyKey: 'old',
      requestHash: 'h',
      operationId: 'putAccount',
      response: { status: 200, body: { accountId: 'a1', tier: 'Guest' } },
      createdAt: '2026-06-01T12:00:00.000Z',
    };
    expect(itemToIdempotency(legacy)).toMatchObject({
      namespace: 'partner',
      result: { effect: 'updated', bodyJson: '{"accountId":"a1","tier":"Guest"}' },
    });
  });
});
