import type { Account, LedgerEntry, OrderRecord, Wallet } from './types.ts';
import type { Refusal } from './result.ts';

/**
 * What a decision wants committed, all in one transaction. Each item carries the version the
 * decision read (null: it must not exist yet), so a stale decision is refused by the database.
 */
export interface WritePlan {
  account: { next: Account; expectedVersion: number | null };
  entries: LedgerEntry[];
  order?: { next: OrderRecord; expectedVersion: number | null };
  response: { status: number; body: Record<string, unknown> };
}

export type Decision = Refusal | ({ ok: true } & WritePlan);

/** The account write of a decision that changed its points wallet: next version, same guard. */
export function pointsWalletUpdate(account: Account, wallet: Wallet, now: string): WritePlan['account'] {
  return {
    next: { ...account, wallets: { ...account.wallets, points: wallet }, updatedAt: now, version: account.version + 1 },
    expectedVersion: account.version,
  };
}
