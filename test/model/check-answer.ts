import { expect } from 'vitest';
import type { ApiResponse } from '../support/local-api.ts';
import type { BalanceExpectation, Expected } from './reference-ledger.ts';

/** What the service answered so far, for checking replays and references to earlier answers. */
export class AnswerBook {
  /** The answer each key committed with. */
  readonly committed = new Map<string, ApiResponse>();
  readonly transactionIds = new Set<string>();
}

/** Compares one answer of the service with what the reference ledger expected. */
export function checkAnswer(expected: Expected, actual: ApiResponse, book: AnswerBook, key: string, where: string): void {
  const replayed = actual.headers.get('idempotent-replayed');
  if (expected.kind === 'replay') {
    const first = book.committed.get(expected.key);
    expect(first, `${where}: the reference replays a key the service never committed`).toBeDefined();
    expect({ status: actual.status, body: actual.body, replayed }, where).toEqual({
      status: first!.status,
      body: first!.body,
      replayed: 'true',
    });
    return;
  }
  expect(replayed, `${where}: a fresh decision marked as a replay`).toBeNull();
  if (expected.kind === 'refusal') {
    expect({ status: actual.status, code: actual.body?.code }, `${where}: ${actual.body?.detail ?? ''}`).toEqual({
      status: expected.status,
      code: expected.code,
    });
    if (expected.extra) expect(actual.body, where).toMatchObject(expected.extra);
    if (expected.duplicateOf !== undefined) {
      const original = book.committed.get(expected.duplicateOf)?.body?.transactionId;
      expect(actual.body.transactionId, `${where}: duplicate_order names the original earn or redemption`).toBe(original);
    }
    return;
  }
  expect(actual.status, `${where}: ${JSON.stringify(actual.body)}`).toBe(expected.status);
  expect(actual.body, where).toMatchObject(expected.body);
  if (actual.body.transactionId !== undefined) {
    expect(book.transactionIds.has(actual.body.transactionId), `${where}: transactionId reused`).toBe(false);
    book.transactionIds.add(actual.body.transactionId);
  }
  book.committed.set(key, actual);
}

export function checkBalance(expected: BalanceExpectation | undefined, actual: ApiResponse, where: string): void {
  if (!expected) {
    expect({ status: actual.status, code: actual.body?.code }, where).toEqual({ status: 404, code: 'not_found' });
    return;
  }
  expect(actual.status, where).toBe(200);
  const { balance, available, held, debt, expired, byType, expiring } = actual.body;
  expect({ balance, available, held, debt, expired, byType, expiring }, where).toEqual(expected);
}
