import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { replayDecision } from '../domain/idempotency.ts';
import { PagesNeeded } from '../domain/lots.ts';
import type { Decision, WritePlan } from '../domain/plan.ts';
import { countAccountWrite } from '../domain/rate-limit.ts';
import { refuse } from '../domain/result.ts';
import type { OrderRecord, RequestContext } from '../domain/types.ts';
import { commitPlan } from '../store/commit-plan.ts';
import { IDEMPOTENCY_RETENTION_SECONDS } from '../store/idempotency-record.ts';
import {
  loadDecisionState,
  type AccountIds,
  type DecisionState,
  type DecisionStateKeys,
  type PageReads,
} from '../store/load-decision-state.ts';
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
  /** The lot pages to read with the accounts (default: the earliest live ones, where a debit spends). */
  pages?: PageReads;
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
    const stateKeys: DecisionStateKeys = {
      tenantId,
      accountIds: spec.accountIds,
      idempotency,
      ...(spec.order ? { order: spec.order } : {}),
      ...(spec.pages ? { pages: spec.pages } : {}),
    };
    const state = await loadDecisionState(stateKeys);
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
    // A second read may find this key's own commit (another delivery of the request landed
    // meanwhile): deciding on it would refuse what is a replay. Read everything again instead.
    const reload = async (pages: Record<string, string[]>) => {
      const again = await loadDecisionState(stateKeys, pages);
      return again.idempotency || createdUnderThisKey(again.order, spec, now) ? 'torn' : again;
    };
    const decidedOn = await decideWithPages(spec.decide, state, ctx, reload);
    if (decidedOn === 'torn') {
      deadline.roundEnded();
      await backoff(attempt);
      continue;
    }
    const decided = decidedOn.decision;
    if (!decided.ok) return { kind: 'refused', refusal: decided };
    // Counted on the state the decision was made on (the second read's, when there was one).
    const decision = withRateCounted(decided, decidedOn.state, spec.accountIds[0], now, spec.accountWritesPerMinute);
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
    if (outcome.reason === 'too_large') return { kind: 'state_too_large' };
    await backoff(attempt);
  }
  return { kind: 'contended' };
}

/** Page rounds one decision may ask for (a second is only for a decision that reaches further after the first). */
const MAX_PAGE_ROUNDS = 2;

/**
 * Decides; a decision that reaches lot pages it was not given names them all (PagesNeeded),
 * the pages are read in one round and it decides again. Asking again for pages just read
 * means they changed under the read (torn): the caller reads everything afresh.
 */
async function decideWithPages(
  decide: CommandSpec['decide'],
  initial: DecisionState,
  ctx: RequestContext,
  reload: (pages: Record<string, string[]>) => Promise<DecisionState | 'torn'>,
): Promise<{ decision: Decision; state: DecisionState } | 'torn'> {
  let state = initial;
  const asked: Record<string, string[]> = {};
  for (let round = 0; ; round += 1) {
    try {
      return { decision: decide(state, ctx), state };
    } catch (error) {
      if (!(error instanceof PagesNeeded)) throw error;
      // The same months of every account: a decision moving lots between two accounts credits
      // the months it debits, so one round serves both sides.
      const ids = Object.keys(state.accounts);
      const owner = Object.values(state.accounts).find((account) => account?.wallets.points.partition === error.partition);
      const again = error.months.some((month) => owner && asked[owner.accountId]?.includes(month));
      if (round >= MAX_PAGE_ROUNDS || again) return 'torn';
      for (const id of ids) asked[id] = [...new Set([...(asked[id] ?? []), ...error.months])];
      const reloaded = await reload(asked);
      if (reloaded === 'torn') return 'torn';
      state = reloaded;
    }
  }
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
