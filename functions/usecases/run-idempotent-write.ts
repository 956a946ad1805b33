import { replayDecision } from '../domain/idempotency.ts';
import type { CommandResult } from '../domain/plan.ts';
import type { Refusal } from '../domain/result.ts';
import { getIdempotencyRecord } from '../store/idempotency-record.ts';
import { commitWithIdempotency, type TransactItem } from '../store/transact.ts';
import { deadlineGuard, storedResult, type CommandIdentity, type CommandOutcome } from './command-outcome.ts';
import { requestHash } from './request-hash.ts';

/** Operators acting on the platform itself (creating tenants) share one idempotency space. */
export const PLATFORM_SCOPE = '_platform';

export interface PreparedWrite {
  items: TransactItem[];
  result: CommandResult;
  /** What a replay answers, when the first answer must not be stored (a secret shown once). */
  replayBody?: Record<string, unknown>;
}

/**
 * Idempotent writes that are not ledger decisions (operators managing tenants and partner
 * keys): replay a committed command, otherwise prepare the writes and commit them with the
 * idempotency record in one transaction. A condition failing means the state moved under the
 * operator: the outcome is `contended`, and they look again. Same outcomes as
 * `runIdempotentCommand`, same namespaces, no HTTP.
 */
export async function runIdempotentWrite(
  identity: CommandIdentity,
  prepare: (now: string) => Promise<PreparedWrite | Refusal>,
): Promise<CommandOutcome> {
  const scope = identity.tenantId || PLATFORM_SCOPE;
  const { namespace, key } = identity.idempotency;
  const hash = requestHash(identity.operationId, identity.hashInput.params, identity.hashInput.body);
  const deadline = deadlineGuard(identity.remainingMs);
  const replay = async (): Promise<CommandOutcome | undefined> => {
    const stored = await getIdempotencyRecord(scope, namespace, key);
    const decision = replayDecision(stored, hash);
    if (decision === 'reused') return { kind: 'key_reused' };
    return decision === 'replay' && stored ? { kind: 'replayed', result: stored.result } : undefined;
  };
  if (!deadline.mayStartRound()) return { kind: 'out_of_time' };
  const earlier = await replay();
  if (earlier) return earlier;
  const now = new Date().toISOString();
  const prepared = await prepare(now);
  if ('ok' in prepared) return { kind: 'refused', refusal: prepared };
  const result = storedResult(prepared.result);
  const outcome = await commitWithIdempotency(
    {
      tenantId: scope,
      namespace,
      idempotencyKey: key,
      requestHash: hash,
      operationId: identity.operationId,
      result: prepared.replayBody ? storedResult({ effect: prepared.result.effect, body: prepared.replayBody }) : result,
      createdAt: now,
    },
    prepared.items,
  );
  if (outcome.ok) return { kind: 'committed', result };
  if (outcome.reason === 'idempotency_taken') {
    const answer = await replay();
    if (answer) return answer;
  }
  if (outcome.reason === 'idempotency_in_flight') return { kind: 'key_in_flight' };
  if (outcome.reason === 'too_large') return { kind: 'state_too_large' };
  return { kind: 'contended' };
}
