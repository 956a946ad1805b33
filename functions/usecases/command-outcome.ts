import type { IdempotencyRef } from '../domain/idempotency.ts';
import type { Refusal } from '../domain/result.ts';
import type { Actor } from '../domain/types.ts';
import type { StoredResult } from '../store/idempotency-record.ts';

export type { StoredResult } from '../store/idempotency-record.ts';

/**
 * How a command ended, in domain terms. Only `api/` turns this into HTTP (status, problem,
 * headers); workflow tasks, scheduled jobs and CLIs read it as it is.
 */
export type CommandOutcome =
  /** Committed now; `result` is the answer as first given (its body as exact JSON text). */
  | { kind: 'committed'; result: StoredResult }
  /** Committed earlier under this key: the stored answer, byte for byte. */
  | { kind: 'replayed'; result: StoredResult }
  /** A rule refused it; nothing was written. */
  | { kind: 'refused'; refusal: Refusal }
  /** The key was used before for a different request. */
  | { kind: 'key_reused' }
  /** Another request with this key is committing right now; retry to get its outcome. */
  | { kind: 'key_in_flight' }
  /** What it acts on kept changing under it; nothing was written; retry with the same key. */
  | { kind: 'contended' }
  /** Too little time was left to decide again safely; nothing was written; retry with the same key. */
  | { kind: 'out_of_time' }
  /** DynamoDB refused an item for its size (lot pages keep items small; a safety net); nothing was written. */
  | { kind: 'state_too_large' };

/** Who runs a command and under which key: everything a command needs that is not its input. */
export interface CommandIdentity {
  tenantId: string;
  idempotency: IdempotencyRef;
  operationId: string;
  actor: Actor;
  /** Correlates the ledger entries with the caller's own id (HTTP request, execution, job run). */
  requestId: string;
  /** What makes two commands "the same" under one key (ids and input), hashed canonically. */
  hashInput: { params: unknown; body: unknown };
  clientMeta?: { ipHash?: string; deviceHash?: string };
  /** Milliseconds left before the caller is cut off (a Lambda's `getRemainingTimeInMillis`); absent: no deadline. */
  remainingMs?: () => number;
}

/** Stop deciding again when less than this would remain after one more round. */
export const DEADLINE_SAFETY_MS = 1500;

/**
 * A round (one read, one decision, one commit) may start only when it can finish with the
 * safety margin to spare; the longest round seen so far is the estimate of the next.
 */
export function deadlineGuard(remainingMs: (() => number) | undefined) {
  let longestRoundMs = 0;
  let roundStartedAt = 0;
  return {
    mayStartRound(): boolean {
      if (remainingMs && remainingMs() < DEADLINE_SAFETY_MS + longestRoundMs) return false;
      roundStartedAt = Date.now();
      return true;
    },
    roundEnded(): void {
      longestRoundMs = Math.max(longestRoundMs, Date.now() - roundStartedAt);
    },
  };
}

/** The stored answer of a result: its body serialized once, so the first answer and every replay are the same bytes. */
export function storedResult(result: { effect: StoredResult['effect']; body: Record<string, unknown> }): StoredResult {
  return { effect: result.effect, bodyJson: JSON.stringify(result.body) };
}
