import type { Account, AccountLock, LockKind } from './types.ts';

export function activeLocks(account: Account, now: string): AccountLock[] {
  return account.locks.filter((lock) => lock.until === undefined || lock.until > now);
}

/** A full-account lock blocks every operation a lock can block. */
export function blockingLock(account: Account, operation: LockKind, now: string): AccountLock | undefined {
  return activeLocks(account, now).find((lock) => lock.kind === operation || lock.kind === 'account');
}

/** What a refusal tells a partner about the lock that blocked it: its kind and end, never its reason. */
export const lockExtra = (lock: AccountLock) => ({ lockKind: lock.kind, ...(lock.until ? { lockedUntil: lock.until } : {}) });
