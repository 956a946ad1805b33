import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { replayDecision } from '../domain/idempotency.ts';
import { PagesNeeded } from '../domain/lots.ts';
import type { Decision, WritePlan } from '../domain/plan.ts';
import { countAccountWrite } from '../domain/rate-limit.ts';
import { refuse } from '../domain/result.ts';
import type { RequestContext, StoredOrder } from '../domain/types.ts';
import { commitPlan } from '../store/commit-plan.ts';
import { IDEMPOTENCY_RETENTION_SECONDS } from '../store/idempotency-record.ts';
import {
  loadDecisionState,
  type AccountIds,
  type DecisionState,
  type DecisionStateKeys,
  type PageReads,
} from '../store/load-decision-state.ts';
import { bookReturn, reserveTurn, setTurnLength } from '../store/turn-queue.ts';
import { deadlineCutoff, deadlineGuard, storedResult, type CommandIdentity, type CommandOutcome } from './command-outcome.ts';
import { requestHash } from './request-hash.ts';

/** Rounds one request may run, each one read and one transaction; turns keep a hot account's requests to a few (bench/hot-account.ts). */
export const MAX_ATTEMPTS = 20;
/** Backoff before reading again after a torn read (not a conflict: conflicts wait for a turn). */
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 250;

/** A new queue's turn length, and the bounds its adjustments keep to. */
const FIRST_TURN_MS = 100;
const MIN_TURN_MS = 10;
const MAX_TURN_MS = 1000;
/**
 * How a turn's length moves after a commit made in it: shorter when the turn's first decision
 * committed, longer when it was cancelled first (the turn before ran into it). Balanced when
 * about one turn in three is cancelled once: the account is never left idle for long.
 */
const TURN_SHORTER = 0.9;
const TURN_LONGER = 1.25;
/**
 * A turn whose commit is cancelled all the same (the round before it ran long, or a newcomer
 * raced the queue) decides again at once, this many times, instead of queueing anew: the
 * account has just moved, and the next turn is about to start.
 */
const RETRIES_IN_TURN = 2;
/** Without a deadline (a job, a CLI), the longest a request waits for its turn. */
const NO_DEADLINE_MAX_WAIT_MS = 30_000;

export interface CommandSpec extends CommandIdentity {
  /** The accounts the decision reads and may write: one, or two (transfer, award, merge). */
  accountIds: AccountIds;
  order?: DecisionStateKeys['order'];
  /** A two-phase redemption to read with the account. */
  redemptionId?: string;
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
 *
 * Hot accounts: a request that lost the race for its (first) account does not spin against
 * the others; it reserves the account's next turn (functions/store/turn-queue.ts, one
 * UpdateItem), sleeps until it and decides again then. The queue is read with the state, so
 * a newcomer that finds turns reserved queues behind them instead of racing them. A turn
 * that would start too late for the deadline is not taken: the answer is `contended` at once,
 * with a Retry-After spread by the queue's appointments. A commit made in its turn adjusts the
 * length of the next turns (shorter, or longer if the turn had to decide again). Whatever a
 * round waits for, the answer goes out shortly before the caller's deadline (`cut_off`).
 */
export async function runIdempotentCommand(spec: CommandSpec): Promise<CommandOutcome> {
  const cutoff = deadlineCutoff(spec.remainingMs);
  if (!cutoff) return runRounds(spec, { reached: false });
  // At the cutoff the answer goes out whatever the rounds are waiting for; they stop at their
  // next step, and a commit already sent is settled by the caller's retry with the same key.
  const stop: RoundsStop = { reached: false };
  try {
    return await Promise.race([runRounds(spec, stop), cutoff.reached.then((): CommandOutcome => stop.committed ?? { kind: 'cut_off' })]);
  } finally {
    stop.reached = true;
    cutoff.cancel();
  }
}

/** Set by the cutoff (`reached`: take no further step) and by the rounds (`committed`: the answer, once the commit is done). */
interface RoundsStop {
  reached: boolean;
  committed?: CommandOutcome;
}

async function runRounds(spec: CommandSpec, stop: RoundsStop): Promise<CommandOutcome> {
  const { tenantId, idempotency } = spec;
  const hash = requestHash(spec.operationId, spec.hashInput.params, spec.hashInput.body);
  const transactionId = randomUUID();
  const deadline = deadlineGuard(spec.remainingMs);
  const queue = { tenantId, accountId: spec.accountIds[0] };
  /** The turn this request holds (the round it runs is in it), if any. */
  let turn: { turnMs: number } | undefined;
  /** The queue's turn length as last seen: what a round is expected to take. */
  let turnMs = FIRST_TURN_MS;
  let retriesInTurn = 0;
  /** The queue's reserved end as last read (undefined: no queue, or not read yet). */
  let freeAt: number | undefined;
  const takeTurn = async (): Promise<CommandOutcome | { startsAt: number }> => {
    if (stop.reached) return { kind: 'out_of_time' };
    const reservation = await queueForTurn(queue, deadline, turnMs, freeAt);
    if (reservation.kind === 'late') return { kind: 'out_of_time' };
    if (reservation.kind === 'full') return { kind: 'contended', retryAfterSeconds: reservation.retryAfterSeconds };
    turn = { turnMs: (turnMs = reservation.turnMs) };
    return { startsAt: reservation.startsAt };
  };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    if (stop.reached || !deadline.mayStartRound()) return { kind: 'out_of_time' };
    const stateKeys: DecisionStateKeys = {
      tenantId,
      accountIds: spec.accountIds,
      idempotency,
      ...(spec.order ? { order: spec.order } : {}),
      ...(spec.redemptionId ? { redemptionId: spec.redemptionId } : {}),
      ...(spec.pages ? { pages: spec.pages } : {}),
    };
    const state = await loadDecisionState(stateKeys);
    const replay = replayDecision(state.idempotency, hash);
    if (replay === 'reused') return { kind: 'key_reused' };
    if (replay === 'replay' && state.idempotency) return { kind: 'replayed', result: state.idempotency.result };
    const now = new Date().toISOString();
    if (state.turns) ({ freeAt, turnMs } = state.turns);
    if (!turn && freeAt !== undefined && freeAt > Date.now()) {
      // Turns are reserved on this account: queue behind them rather than race them. A turn
      // that starts now after all (the queue emptied meanwhile) decides on what was just read.
      const taken = await takeTurn();
      if ('kind' in taken) return taken;
      if (taken.startsAt > Date.now()) {
        deadline.roundEnded();
        await delay(taken.startsAt - Date.now());
        continue;
      }
    }
    if (!state.idempotency && createdUnderThisKey(orderRead(state), spec, now)) {
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
      return again.idempotency || createdUnderThisKey(orderRead(again), spec, now) ? 'torn' : again;
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
    const counted = withRateCounted(decided, decidedOn.state, spec.accountIds[0], now, spec.accountWritesPerMinute);
    if (!counted.ok) return { kind: 'refused', refusal: counted };
    const result = storedResult(counted.result);
    if (stop.reached) return { kind: 'out_of_time' };
    const outcome = await commitPlan(counted, {
      tenantId,
      namespace: idempotency.namespace,
      idempotencyKey: idempotency.key,
      requestHash: hash,
      operationId: spec.operationId,
      result,
      createdAt: now,
    });
    deadline.roundEnded();
    const heldTurn = turn;
    turn = undefined;
    if (outcome.ok) {
      stop.committed = { kind: 'committed', result };
      if (heldTurn && !stop.reached) await adjustTurn(queue, heldTurn.turnMs, retriesInTurn > 0);
      return stop.committed;
    }
    if (outcome.reason === 'idempotency_taken') continue;
    if (outcome.reason === 'idempotency_in_flight') return { kind: 'key_in_flight' };
    if (outcome.reason === 'too_large') return { kind: 'state_too_large' };
    // Stale: another request committed first. Decide again in the account's next turn.
    if (heldTurn && retriesInTurn < RETRIES_IN_TURN) {
      retriesInTurn += 1;
      turn = heldTurn;
      continue;
    }
    retriesInTurn = 0;
    const taken = await takeTurn();
    if ('kind' in taken) return taken;
    if (taken.startsAt > Date.now()) await delay(taken.startsAt - Date.now());
  }
  return { kind: 'contended', retryAfterSeconds: 1 };
}

/**
 * Reserves the next turn on the command's first account, no later than a round can start
 * and still finish before the deadline. When turns are reserved beyond that, the answer says
 * when to come back: half a time budget before the appointment the queue books for it, so
 * that its turn, reserved then, falls within its budget, and callers refused together come
 * back spread one turn apart.
 */
async function queueForTurn(
  queue: { tenantId: string; accountId: string },
  deadline: ReturnType<typeof deadlineGuard>,
  turnMs: number,
  freeAt: number | undefined,
): Promise<{ kind: 'turn'; startsAt: number; turnMs: number } | { kind: 'full'; retryAfterSeconds: number } | { kind: 'late' }> {
  const now = Date.now();
  const latestStart = deadline.latestRoundStart(turnMs) ?? now + NO_DEADLINE_MAX_WAIT_MS;
  // Too little time left for even an immediate turn: the request's own deadline, not the queue.
  if (latestStart < now) return { kind: 'late' };
  const reservation = await reserveTurn(queue.tenantId, queue.accountId, {
    now,
    latestStart,
    firstTurnMs: FIRST_TURN_MS,
    ...(freeAt !== undefined ? { freeAt } : {}),
  });
  if (reservation.kind === 'turn') return reservation;
  const appointment = await bookReturn(queue.tenantId, queue.accountId, reservation.freeAt);
  const comeBackAt = appointment - (latestStart - now) / 2;
  return { kind: 'full', retryAfterSeconds: Math.max(1, Math.ceil((comeBackAt - Date.now()) / 1000)) };
}

/**
 * After a commit made in a turn: the next turns a little shorter if this one's first decision
 * committed, longer if it had to decide again. After the commit, so a failure to record it
 * changes nothing: the request has committed and says so.
 */
async function adjustTurn(queue: { tenantId: string; accountId: string }, turnMs: number, decidedAgain: boolean): Promise<void> {
  const next = turnMs * (decidedAgain ? TURN_LONGER : TURN_SHORTER);
  await setTurnLength(queue.tenantId, queue.accountId, Math.round(Math.min(MAX_TURN_MS, Math.max(MIN_TURN_MS, next)))).catch(
    () => undefined,
  );
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

/** The order record the command asked for, purchase or redemption, if it exists. */
function orderRead(state: DecisionState): StoredOrder | undefined {
  return state.order ?? state.redemptionOrder;
}

/** The order was written by this very key, recently enough that its idempotency record must still exist. */
function createdUnderThisKey(order: StoredOrder | undefined, spec: CommandSpec, now: string): boolean {
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
