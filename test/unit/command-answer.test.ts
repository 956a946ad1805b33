import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../schemas/error-codes.ts';
import { REFUSAL_CODES } from '../../functions/domain/result.ts';
import { httpAnswer } from '../../functions/api/http/command-answer.ts';
import { ProblemError } from '../../functions/api/http/problem.ts';
import { REFUSAL_TABLE } from '../../functions/api/refusal-table.ts';
import type { CommandOutcome } from '../../functions/usecases/command-outcome.ts';

function problemOf(outcome: CommandOutcome) {
  try {
    httpAnswer(outcome);
  } catch (error) {
    if (error instanceof ProblemError)
      return { code: error.code, status: ERROR_CODES[error.code].status, headers: error.headers, extra: error.extra };
    throw error;
  }
  throw new Error('expected a problem');
}

describe('command outcomes as HTTP', () => {
  const bodyJson = '{"transactionId":"tx","points":5}';

  it('a commit answers its effect as status and its stored text as is', () => {
    expect(httpAnswer({ kind: 'committed', result: { effect: 'created', bodyJson } })).toEqual({ status: 201, bodyJson });
    expect(httpAnswer({ kind: 'committed', result: { effect: 'updated', bodyJson } })).toEqual({ status: 200, bodyJson });
  });

  it('a replay answers the same status and text, marked as replayed', () => {
    expect(httpAnswer({ kind: 'replayed', result: { effect: 'created', bodyJson } })).toEqual({
      status: 201,
      bodyJson,
      headers: { 'idempotent-replayed': 'true' },
    });
  });

  const problems: [CommandOutcome, string, number, Record<string, string>][] = [
    [{ kind: 'key_reused' }, 'idempotency_key_reused', 422, {}],
    [{ kind: 'key_in_flight' }, 'idempotency_key_in_use', 409, { 'retry-after': '1' }],
    [{ kind: 'contended' }, 'concurrent_update', 409, { 'retry-after': '1' }],
    [{ kind: 'contended', retryAfterSeconds: 7 }, 'concurrent_update', 409, { 'retry-after': '7' }],
    [{ kind: 'out_of_time' }, 'service_unavailable', 503, { 'retry-after': '1' }],
    [{ kind: 'cut_off' }, 'service_unavailable', 503, { 'retry-after': '1' }],
    [{ kind: 'state_too_large' }, 'service_unavailable', 503, { 'retry-after': '60' }],
    [
      { kind: 'refused', refusal: { ok: false, code: 'rate_limited', detail: 'x', extra: { retryAfterSeconds: 17 } } },
      'rate_limited',
      429,
      { 'retry-after': '17' },
    ],
    [{ kind: 'refused', refusal: { ok: false, code: 'account_not_found', detail: 'x' } }, 'not_found', 404, {}],
    [
      { kind: 'refused', refusal: { ok: false, code: 'negative_balance', detail: 'x', extra: { available: 0 } } },
      'insufficient_points',
      422,
      {},
    ],
  ];
  for (const [outcome, code, status, headers] of problems) {
    const name =
      outcome.kind === 'refused'
        ? `refused ${outcome.refusal.code}`
        : outcome.kind === 'contended' && outcome.retryAfterSeconds
          ? `contended for ${outcome.retryAfterSeconds} s`
          : outcome.kind;
    it(`${name} is ${status} ${code}`, () => expect(problemOf(outcome)).toMatchObject({ code, status, headers }));
  }

  it('every domain refusal code has a public problem code, and none is a 5xx', () => {
    for (const code of REFUSAL_CODES) {
      const publicCode = REFUSAL_TABLE[code];
      expect(ERROR_CODES[publicCode], code).toBeDefined();
      expect(ERROR_CODES[publicCode].status, code).toBeLessThan(500);
    }
  });
});
