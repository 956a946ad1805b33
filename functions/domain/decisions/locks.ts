import { activeLocks } from '../locks.ts';
import type { Decision } from '../plan.ts';
import { refuse } from '../result.ts';
import type { Account, AccountEvent, AccountLock, Actor, RequestContext } from '../types.ts';
import type { LockKind, LockLiftReasonCode, LockReasonCode } from '../vocabulary.ts';

/** Locks one account may hold at once: the account item stays small whatever operators do. */
export const MAX_ACTIVE_LOCKS = 10;

export interface ApplyLockRequest {
  accountId: string;
  kind: LockKind;
  reasonCode: LockReasonCode;
  until?: string;
}

export interface LiftLockRequest {
  accountId: string;
  lockId: string;
  reasonCode: LockLiftReasonCode;
}

const operatorOf = (actor: Actor) => ({ id: actor.id, role: actor.kind === 'operator' ? actor.role : actor.kind });

/** The operator's view of a lock (reason and who applied it included). */
export const lockView = (accountId: string, lock: AccountLock) => ({ accountId, status: 'active', ...lock });

function accountEvent(
  account: Account,
  ctx: RequestContext,
  type: 'lock.applied' | 'lock.lifted',
  lock: AccountLock,
  reasonCode?: string,
): AccountEvent {
  return {
    tenantId: account.tenantId,
    accountId: account.accountId,
    eventId: ctx.transactionId,
    type,
    at: ctx.now,
    actor: ctx.actor,
    requestId: ctx.requestId,
    pointsSeq: account.wallets.points.seq,
    lock,
    ...(reasonCode ? { reasonCode } : {}),
  };
}

/**
 * Applies a lock. It lives on the account item, whose version every points-moving transaction
 * is conditional on: a redeem decided before the lock and committed after it is cancelled and
 * decided again, and then refused. Locks whose `until` has passed are dropped on the way.
 */
export function decideApplyLock(account: Account | undefined, request: ApplyLockRequest, ctx: RequestContext): Decision {
  if (!account) return refuse('account_not_found', `Account ${request.accountId} does not exist`);
  if (request.until !== undefined && request.until <= ctx.now) {
    return refuse('lock_until_not_in_future', `until must be in the future; got ${request.until}`);
  }
  const active = activeLocks(account, ctx.now);
  if (active.length >= MAX_ACTIVE_LOCKS) {
    return refuse('too_many_locks', `An account holds at most ${MAX_ACTIVE_LOCKS} locks; lift one first`, { limit: MAX_ACTIVE_LOCKS });
  }
  const lock: AccountLock = {
    lockId: ctx.transactionId,
    kind: request.kind,
    reasonCode: request.reasonCode,
    appliedAt: ctx.now,
    appliedBy: operatorOf(ctx.actor),
    ...(request.until ? { until: request.until } : {}),
  };
  return {
    ok: true,
    accounts: [
      {
        next: { ...account, locks: [...active, lock], updatedAt: ctx.now, version: account.version + 1 },
        expectedVersion: account.version,
      },
    ],
    entries: [],
    events: [accountEvent(account, ctx, 'lock.applied', lock)],
    result: { effect: 'created', body: lockView(account.accountId, lock) },
  };
}

/** Lifts a lock (one that has already ended may be lifted too, which clears it away). */
export function decideLiftLock(account: Account | undefined, request: LiftLockRequest, ctx: RequestContext): Decision {
  if (!account) return refuse('account_not_found', `Account ${request.accountId} does not exist`);
  const lock = account.locks.find((candidate) => candidate.lockId === request.lockId);
  if (!lock) return refuse('lock_not_found', `Account ${request.accountId} holds no lock ${request.lockId}`);
  const locks = activeLocks(account, ctx.now).filter((candidate) => candidate.lockId !== request.lockId);
  const liftedBy = operatorOf(ctx.actor);
  return {
    ok: true,
    accounts: [{ next: { ...account, locks, updatedAt: ctx.now, version: account.version + 1 }, expectedVersion: account.version }],
    entries: [],
    events: [accountEvent(account, ctx, 'lock.lifted', lock, request.reasonCode)],
    result: {
      effect: 'updated',
      body: { accountId: account.accountId, ...lock, status: 'lifted', liftedAt: ctx.now, liftedBy, liftReasonCode: request.reasonCode },
    },
  };
}
