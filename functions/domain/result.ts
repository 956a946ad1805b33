import type { ErrorCode } from '../../schemas/error-codes.ts';

/** A refusal names its rule with a stable code; `extra` carries machine-readable detail. */
export interface Refusal {
  ok: false;
  code: ErrorCode;
  detail: string;
  extra?: Record<string, unknown>;
}

export const refuse = (code: ErrorCode, detail: string, extra?: Record<string, unknown>): Refusal => ({
  ok: false,
  code,
  detail,
  ...(extra ? { extra } : {}),
});
