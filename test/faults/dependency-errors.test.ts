import { ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isDependencyUnavailable } from '../../functions/store/dependency-errors.ts';

const systemError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('which errors mean "the database is unavailable" (503) rather than a bug (500)', () => {
  const cases: [string, unknown, boolean][] = [
    ['throttled by the table', new ProvisionedThroughputExceededException({ message: 'x', $metadata: { httpStatusCode: 400 } }), true],
    ['throttled by the service', Object.assign(new Error('x'), { name: 'ThrottlingException' }), true],
    ['a socket timeout', Object.assign(new Error('x'), { name: 'TimeoutError' }), true],
    ['connection refused (the database is down)', systemError('ECONNREFUSED'), true],
    ['connection reset (the database restarted)', systemError('ECONNRESET'), true],
    ['every address refused', new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')]), true],
    ['a 500 from the database', Object.assign(new Error('x'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }), true],
    ['a cancelled transaction', new TransactionCanceledException({ message: 'x', $metadata: {}, CancellationReasons: [] }), false],
    [
      'a validation error from the database (our bug)',
      Object.assign(new Error('x'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
      false,
    ],
    ['a TypeError (our bug)', new TypeError('x is undefined'), false],
    ['a thrown string', 'boom', false],
  ];
  for (const [name, error, expected] of cases) {
    it(`${name}: ${expected ? '503' : 'not 503'}`, () => expect(isDependencyUnavailable(error)).toBe(expected));
  }
});
