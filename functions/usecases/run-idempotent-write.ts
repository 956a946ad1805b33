import type { HttpResult, ParsedRequest } from '../api/http/http-handler.ts';
import { replayDecision } from '../domain/idempotency.ts';
import { getIdempotencyRecord } from '../store/idempotency-record.ts';
import { commitWithIdempotency, type TransactItem } from '../store/transact.ts';
import { ProblemError } from './problem-error.ts';
import { requestHash } from './request-hash.ts';

/** Operators acting on the platform itself (creating tenants) share one idempotency space. */
const PLATFORM_SCOPE = '_platform';

export interface PreparedWrite {
  items: TransactItem[];
  response: { status: number; body: Record<string, unknown> };
  /** What a replay answers, when the first answer must not be stored (a secret shown once). */
  replayBody?: Record<string, unknown>;
}

/**
 * Idempotent operator writes: replay a committed request, otherwise prepare the writes and
 * commit them with the idempotency record in one transaction. A condition failing means
 * the state moved under the operator: refuse, and let them look again.
 */
export async function runIdempotentWrite<B, Q, P>(
  request: ParsedRequest<B, Q, P>,
  prepare: (now: string) => Promise<PreparedWrite>,
): Promise<HttpResult> {
  const scope = request.tenantId || PLATFORM_SCOPE;
  const hash = requestHash(request.operationId, request.params, request.body);
  const replay = async () => {
    const stored = await getIdempotencyRecord(scope, request.idempotencyKey);
    const decision = replayDecision(stored, hash);
    if (decision === 'reused') {
      throw new ProblemError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
    }
    return decision === 'replay' && stored ? { ...stored.response, headers: { 'idempotent-replayed': 'true' } } : undefined;
  };
  const earlier = await replay();
  if (earlier) return earlier;
  const now = new Date().toISOString();
  const prepared = await prepare(now);
  const outcome = await commitWithIdempotency(
    {
      tenantId: scope,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      operationId: request.operationId,
      response: { status: prepared.response.status, body: prepared.replayBody ?? prepared.response.body },
      createdAt: now,
    },
    prepared.items,
  );
  if (outcome.ok) return prepared.response;
  if (outcome.reason === 'idempotency_taken') {
    const answer = await replay();
    if (answer) return answer;
  }
  if (outcome.reason === 'idempotency_in_flight') {
    throw new ProblemError('idempotency_key_in_use', 'Another request with this Idempotency-Key is being committed; retry shortly', {}, { 'retry-after': '1' });
  }
  throw new ProblemError('concurrent_update', 'What this request acts on changed meanwhile; look again and retry', {}, { 'retry-after': '1' });
}
