import type { ApprovalRequest } from './approvals.ts';
import { pageChanges, type PageWrite } from './lot-pages.ts';
import type { Account, AccountEvent, LedgerEntry, RedemptionHold, StoredOrder, Wallet } from './types.ts';

export type { PageWrite } from './lot-pages.ts';
import type { Refusal } from './result.ts';

/** What a command did, in domain terms: `api/` chooses the status for each (created 201, updated 200, accepted 202). */
export type ResultEffect = 'created' | 'updated' | 'accepted';

/** A command's answer: its effect and a JSON-ready body, stored verbatim for replays. */
export interface CommandResult {
  effect: ResultEffect;
  body: Record<string, unknown>;
}

/** One account's next state, guarded by the version the decision read (null: it must be new). */
export interface AccountWrite {
  next: Account;
  expectedVersion: number | null;
  /** The points wallet's lot pages this write changes, each guarded by its own version. */
  pages?: PageWrite[];
}

/**
 * What a decision wants committed, all in one transaction. Each item carries the version the
 * decision read (null: it must not exist yet), so a stale decision is refused by the database.
 * A decision over two accounts (transfer, award, merge) lists both; both versions are guarded.
 */
export interface WritePlan {
  accounts: AccountWrite[];
  entries: LedgerEntry[];
  order?: { next: StoredOrder; expectedVersion: number | null };
  /** A two-phase redemption created or moved on (held, committed, released, expired). */
  redemption?: { next: RedemptionHold; expectedVersion: number | null };
  /** Operator actions on an account that move no points (locks), recorded beside the change. */
  events?: AccountEvent[];
  /** The approval request whose action this decision applies, marked applied in the same transaction. */
  approval?: { next: ApprovalRequest; before: ApprovalRequest };
  result: CommandResult;
}

export type Decision = Refusal | ({ ok: true } & WritePlan);

/** The account write of a decision that changed its points wallet: next version, same guard. */
export function pointsWalletUpdate(account: Account, wallet: Wallet, now: string): AccountWrite {
  const changed = pageChanges(account.wallets.points, wallet, now);
  return {
    next: { ...account, wallets: { ...account.wallets, points: changed.wallet }, updatedAt: now, version: account.version + 1 },
    expectedVersion: account.version,
    pages: changed.pages,
  };
}

/** A plan's `events` member, present only when there are some (a plan without events keeps its shape). */
export const eventsOf = (events: AccountEvent[]): { events?: AccountEvent[] } => (events.length > 0 ? { events } : {});
