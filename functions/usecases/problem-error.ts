import type { ErrorCode } from '../../schemas/error-codes.ts';
import type { Refusal } from '../domain/result.ts';

/** A refusal on its way out; the HTTP layer turns it into RFC 9457 problem details. */
export class ProblemError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  static from(refusal: Refusal): ProblemError {
    return new ProblemError(refusal.code, refusal.detail, refusal.extra ?? {});
  }
}
