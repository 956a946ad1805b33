import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { replayDecision } from '../domain/idempotency.ts';
import type { Decision, WritePlan } from '../domain/plan.ts';
import { countAccountWrite } from '../domain/rate-limit.ts';
import type { RequestContext } from '../domain/types.ts';
import type { HttpResult, ParsedRequest } from '../api/http/http-handler.ts';
import { ProblemError } from './problem-error.ts';
import { commitPlan } from '../store/commit-plan.ts';
import { loadDecisionState, type DecisionState, type DecisionStateKeys } from '../store/load-decision-state.ts';
import { requestHash } from './request-hash.ts';

/** Enough rounds for a hot account: 100 concurrent redeems on one wallet all settle (bench). Each is one read and one transaction. */
export const MAX_ATTEMPTS = 20;
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 250;

export interface CommandSpec<B, Q, P> {
  request: ParsedRequest<B, Q, P>;
  accountId: string;
  order?: DecisionStateKeys['order'];
  decide: (state: DecisionState, ctx: RequestContext) => Decision;
  /** Writes per minute this account may take; absent for writes that must always land (reversals). */
  accountWritesPerMinute?: number;
}

/**
 * Read, decide, commit: the loop every state-changing request runs. A replay of a committed
 * request returns the stored answer; a decision made on stale state is refused by the
 * transaction's conditions and made again on fresh state, a bounded number of times.
 */
export async function runIdempotentCommand<B, Q, P>(spec: CommandSpec<B, Q, P>): Promise<HttpResult> {
  const { request } = spec;
  const tenantId = request.tenantId;
  const hash = requestHash(request.operationId, request.params, request.body);
  const transactionId = randomUUID();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const state = await loadDecisionState({
      tenantId,
      accountId: spec.accountId,
      idempotencyKey: request.idempotencyKey,
      ...(spec.order ? { order: spec.order } : {}),
    });
    const replay = replayDecision(state.idempotency, hash);
    if (replay === 'reused') {
      throw new ProblemError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
    }
    if (replay === 'replay' && state.idempotency) {
      return { ...state.idempotency.response, headers: { 'idempotent-replayed': 'true' } };
    }
    const now = new Date().toISOString();
    const ctx: RequestContext = {
      tenantId,
      now,
      transactionId,
      requestId: request.requestId,
      idempotencyKey: request.idempotencyKey,
      actor: request.actor,
      clientMeta: request.clientMeta,
    };
    const decided = spec.decide(state, ctx);
    if (!decided.ok) throw ProblemError.from(decided);
    const decision = withRateCounted(decided, state, now, spec.accountWritesPerMinute);
    const outcome = await commitPlan(decision, {
      tenantId,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      operationId: request.operationId,
      response: decision.response,
      createdAt: now,
    });
    if (outcome.ok) return decision.response;
    if (outcome.reason === 'idempotency_taken') continue;
    if (outcome.reason === 'idempotency_in_flight') {
      throw new ProblemError(
        'idempotency_key_in_use',
        'Another request with this Idempotency-Key is being committed; retry shortly to get its outcome',
        {},
        { 'retry-after': '1' },
      );
    }
    await delay(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
  }
  throw new ProblemError(
    'concurrent_update',
    'The account is changing under heavy concurrency; retry with the same Idempotency-Key',
    {},
    { 'retry-after': '1' },
  );
}

function withRateCounted(plan: WritePlan, state: DecisionState, now: string, limit: number | undefined): WritePlan {
  if (limit === undefined) return plan;
  const counted = countAccountWrite(state.account?.rateWindow, now, limit);
  if (!counted.ok) {
    throw new ProblemError(
      'rate_limited',
      `This account takes at most ${limit} writes a minute`,
      { retryAfterSeconds: counted.retryAfterSeconds },
      { 'retry-after': String(counted.retryAfterSeconds) },
    );
  }
  return { ...plan, account: { ...plan.account, next: { ...plan.account.next, rateWindow: counted.window } } };
}
