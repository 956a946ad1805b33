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
  /** What it acts on kept changing under it, or its turn would come too late; nothing was written; retry with the same key after `retryAfterSeconds`. */
  | { kind: 'contended'; retryAfterSeconds?: number }
  /** Too little time was left to decide again safely; nothing was written; retry with the same key. */
  | { kind: 'out_of_time' }
  /** The deadline came while the database had not answered; it may have committed; retry with the same key for the one outcome. */
  | { kind: 'cut_off' }
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
    /** The last instant (epoch ms) a round expected to take `roundMs` may start and still pass `mayStartRound`; undefined without a deadline. */
    latestRoundStart(roundMs: number): number | undefined {
      if (!remainingMs) return undefined;
      return Date.now() + remainingMs() - DEADLINE_SAFETY_MS - Math.max(longestRoundMs, roundMs);
    },
  };
}

/**
 * How long before the caller's deadline a command stops waiting, whatever it waits for, and
 * answers: room for the answer to be mapped and sent, and for a timer that fires late on a
 * busy process (seen up to about 0.4 s in the hot-account bench, where every request shares one).
 */
export const DEADLINE_CUTOFF_MS = 1000;

/**
 * A timer that fires `DEADLINE_CUTOFF_MS` before the caller's deadline, so a command answers
 * in time even when the database is slower than every estimate (none without a deadline).
 */
export function deadlineCutoff(remainingMs: (() => number) | undefined): { reached: Promise<void>; cancel(): void } | undefined {
  if (!remainingMs) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reached = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, remainingMs() - DEADLINE_CUTOFF_MS));
  });
  return { reached, cancel: () => clearTimeout(timer) };
}

/** The stored answer of a result: its body serialized once, so the first answer and every replay are the same bytes. */
export function storedResult(result: { effect: StoredResult['effect']; body: Record<string, unknown> }): StoredResult {
  return { effect: result.effect, bodyJson: JSON.stringify(result.body) };
}
