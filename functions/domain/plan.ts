import type { Account, LedgerEntry, OrderRecord } from './types.ts';
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
