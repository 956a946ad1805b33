import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { replayDecision } from '../domain/idempotency.ts';
import type { Decision, WritePlan } from '../domain/plan.ts';
import { countAccountWrite } from '../domain/rate-limit.ts';
import { refuse } from '../domain/result.ts';
import type { OrderRecord, RequestContext } from '../domain/types.ts';
import { commitPlan } from '../store/commit-plan.ts';
import { IDEMPOTENCY_RETENTION_SECONDS } from '../store/idempotency-record.ts';
import { loadDecisionState, type AccountIds, type DecisionState, type DecisionStateKeys } from '../store/load-decision-state.ts';
import { deadlineGuard, storedResult, type CommandIdentity, type CommandOutcome } from './command-outcome.ts';
import { requestHash } from './request-hash.ts';

/** Enough rounds for a hot account: 100 concurrent redeems on one wallet all settle (bench). Each is one read and one transaction. */
export const MAX_ATTEMPTS = 20;
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 250;

export interface CommandSpec extends CommandIdentity {
  /** The accounts the decision reads and may write: one, or two (transfer, award, merge). */
  accountIds: AccountIds;
  order?: DecisionStateKeys['order'];
  decide: (state: DecisionState, ctx: RequestContext) => Decision;
  /** Writes per minute the first account may take; absent for writes that must always land (reversals). */
  accountWritesPerMinute?: number;
}

/**
 * Read, decide, commit: the loop every state-changing command runs, whoever calls it. A
 * replay of a committed command returns the stored answer; a decision made on stale state is
 * refused by the transaction's conditions and made again on fresh state, a bounded number of
 * times and never past the caller's deadline.
 */
export async function runIdempotentCommand(spec: CommandSpec): Promise<CommandOutcome> {
  const { tenantId, idempotency } = spec;
  const hash = requestHash(spec.operationId, spec.hashInput.params, spec.hashInput.body);
  const transactionId = randomUUID();
  const deadline = deadlineGuard(spec.remainingMs);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    if (!deadline.mayStartRound()) return { kind: 'out_of_time' };
    const state = await loadDecisionState({
      tenantId,
      accountIds: spec.accountIds,
      idempotency,
      ...(spec.order ? { order: spec.order } : {}),
    });
    const replay = replayDecision(state.idempotency, hash);
    if (replay === 'reused') return { kind: 'key_reused' };
    if (replay === 'replay' && state.idempotency) return { kind: 'replayed', result: state.idempotency.result };
    const now = new Date().toISOString();
    if (!state.idempotency && createdUnderThisKey(state.order, spec, now)) {
      // A torn read: BatchGetItem is not transactional, so it can see the order our key's
      // transaction wrote before the idempotency record it wrote with it. Read again.
      deadline.roundEnded();
      await backoff(attempt);
      if (attempt === MAX_ATTEMPTS) return { kind: 'key_in_flight' };
      continue;
    }
    const ctx: RequestContext = {
      tenantId,
      now,
      transactionId,
      requestId: spec.requestId,
      idempotencyKey: idempotency.key,
      idempotencyNamespace: idempotency.namespace,
      actor: spec.actor,
      ...(spec.clientMeta ? { clientMeta: spec.clientMeta } : {}),
    };
    const decided = spec.decide(state, ctx);
    if (!decided.ok) return { kind: 'refused', refusal: decided };
    const decision = withRateCounted(decided, state, spec.accountIds[0], now, spec.accountWritesPerMinute);
    if (!decision.ok) return { kind: 'refused', refusal: decision };
    const result = storedResult(decision.result);
    const outcome = await commitPlan(decision, {
      tenantId,
      namespace: idempotency.namespace,
      idempotencyKey: idempotency.key,
      requestHash: hash,
      operationId: spec.operationId,
      result,
      createdAt: now,
    });
    deadline.roundEnded();
    if (outcome.ok) return { kind: 'committed', result };
    if (outcome.reason === 'idempotency_taken') continue;
    if (outcome.reason === 'idempotency_in_flight') return { kind: 'key_in_flight' };
    await backoff(attempt);
  }
  return { kind: 'contended' };
}

function backoff(attempt: number): Promise<void> {
  return delay(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}

/** The order was written by this very key, recently enough that its idempotency record must still exist. */
function createdUnderThisKey(order: OrderRecord | undefined, spec: CommandSpec, now: string): boolean {
  const by = order?.createdBy;
  if (!by || by.namespace !== spec.idempotency.namespace || by.key !== spec.idempotency.key) return false;
  return Date.parse(now) - Date.parse(by.at) < IDEMPOTENCY_RETENTION_SECONDS * 1000 - 3_600_000;
}

function withRateCounted(
  plan: { ok: true } & WritePlan,
  state: DecisionState,
  accountId: string,
  now: string,
  limit: number | undefined,
): Decision {
  if (limit === undefined) return plan;
  const counted = countAccountWrite(state.accounts[accountId]?.rateWindow, now, limit);
  if (!counted.ok) {
    return refuse('rate_limited', `This account takes at most ${limit} writes a minute`, { retryAfterSeconds: counted.retryAfterSeconds });
  }
  return {
    ...plan,
    accounts: plan.accounts.map((write) =>
      write.next.accountId === accountId ? { ...write, next: { ...write.next, rateWindow: counted.window } } : write,
    ),
  };
}
