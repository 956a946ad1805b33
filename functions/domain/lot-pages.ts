import { compareSpendOrder, pageMonth } from './lots.ts';
import type { Lot, PageSummary, Wallet } from './types.ts';

/** One lot page to write: its lots after the decision (none: delete it), guarded by the version read. */
export interface PageWrite {
  month: string;
  lots: Lot[];
  /** The version the decision read (null: the page must not exist yet). */
  expectedVersion: number | null;
  version: number;
}

const lotsOf = (lots: Lot[], month: string) => lots.filter((lot) => pageMonth(lot.expiresAt) === month).sort(compareSpendOrder);

const sameLots = (a: Lot[], b: Lot[]) =>
  a.length === b.length &&
  a.every((lot, i) => {
    const other = b[i]!;
    return (
      lot.type === other.type && lot.expiresAt === other.expiresAt && lot.awardedAt === other.awardedAt && lot.remaining === other.remaining
    );
  });

/** Months whose lots the wallet holds in full (every month of a wallet without pages). */
function monthsHeld(wallet: Wallet): string[] {
  return wallet.pages ? (wallet.loaded ?? []) : [...new Set(wallet.lots.map((lot) => pageMonth(lot.expiresAt)))];
}

/**
 * The pages a wallet change writes, and the wallet's next summary. Only pages whose lots
 * changed are written, each guarded by its version. Months already over fold into
 * `pastPoints`: their pages stay (expired lots, for the sweep to write EXPIRE) but the
 * account item forgets them, so its summary holds at most the months of the longest expiry.
 */
export function pageChanges(before: Wallet, after: Wallet, now: string): { wallet: Wallet; pages: PageWrite[] } {
  const summary: Record<string, PageSummary> = { ...(before.pages ?? {}) };
  const pages: PageWrite[] = [];
  const months = new Set([...monthsHeld(before), ...monthsHeld(after)]);
  for (const month of [...months].sort()) {
    const old = lotsOf(before.lots, month);
    const next = lotsOf(after.lots, month);
    // A wallet stored before pages existed has no page items: every month is written new.
    if (before.pages && sameLots(old, next)) continue;
    const expectedVersion = before.pages?.[month]?.version ?? null;
    const version = (expectedVersion ?? 0) + 1;
    if (next.length === 0 && expectedVersion === null) continue;
    pages.push({ month, lots: next, expectedVersion, version });
    const points = next.reduce((sum, lot) => sum + lot.remaining, 0);
    if (next.length === 0) delete summary[month];
    else summary[month] = { points, version };
  }
  let pastPoints = before.pastPoints ?? 0;
  const current = pageMonth(now);
  for (const [month, page] of Object.entries(summary)) {
    if (month >= current) continue;
    pastPoints += page.points;
    delete summary[month];
  }
  const { loaded: _loaded, partition: _partition, ...rest } = after;
  return {
    wallet: { ...rest, pages: summary, pastPoints, loaded: [...months].filter((month) => summary[month]) },
    pages,
  };
}
