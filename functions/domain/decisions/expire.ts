import { appendEntry } from '../ledger.ts';
import { compareSpendOrder, pageMonth, PagesNeeded } from '../lots.ts';
import { pointsWalletUpdate, type Decision } from '../plan.ts';
import { refuse } from '../result.ts';
import type { Account, LedgerEntry, Lot, RequestContext, Wallet } from '../types.ts';

/** What the sweep found in the expiry index: one account's lots of one page expiring at one instant. */
export interface ExpiryTarget {
  accountId: string;
  /** The page (UTC expiry month) holding the lots. */
  month: string;
  /** The expiry instant of the lots to write off: every lot of the page expiring exactly then. */
  expiresAt: string;
}

/** A lot page the account's summary does not name (a month already over), as read. */
export interface UnlistedPage {
  month: string;
  version: number;
  lots: Lot[];
}

/**
 * Writes off the lots of one account that expired at one instant: one `EXPIRE` entry per lot
 * (its remaining points, negative), the lots removed from their page. Expiry is not
 * partner-initiated: locks do not block it, and no rate limit counts it. Debt is untouched
 * (expired points never paid debt, and writing them off adds none): the balance falls by the
 * points written off, so balance = lots - debt still holds. Nothing due (the index was stale,
 * or another sweep got there first): refused, nothing is written.
 *
 * A page of a month already over is not in the account's summary (its points are counted in
 * `pastPoints`): it is written guarded by its own version, and `pastPoints` falls with it.
 */
export function decideExpiry(
  account: Account | undefined,
  unlisted: UnlistedPage | undefined,
  target: ExpiryTarget,
  /** The sweep's instant: lots expiring after it are not due (normally `ctx.now`). */
  asOf: string,
  ctx: RequestContext,
): Decision {
  if (!account) return refuse('account_not_found', `Account ${target.accountId} does not exist`);
  if (target.expiresAt > asOf || pageMonth(target.expiresAt) !== target.month) {
    return refuse('nothing_to_expire', `Nothing of ${target.accountId} expires at ${target.expiresAt} yet`);
  }
  const wallet = account.wallets.points;
  const listed = !wallet.pages || wallet.pages[target.month] !== undefined;
  if (listed && wallet.pages && !(wallet.loaded ?? []).includes(target.month)) throw new PagesNeeded(wallet.partition, [target.month]);
  const source = listed ? wallet.lots : unlisted?.month === target.month ? unlisted.lots : [];
  const due = source.filter((lot) => lot.expiresAt === target.expiresAt).sort(compareSpendOrder);
  if (due.length === 0) return refuse('nothing_to_expire', `Nothing of ${target.accountId} expires at ${target.expiresAt}`);

  let current: Wallet = wallet;
  const entries: LedgerEntry[] = [];
  for (const lot of due) {
    const appended = appendEntry(
      { ...current, balance: current.balance - lot.remaining },
      current,
      {
        accountId: account.accountId,
        wallet: 'points',
        type: 'EXPIRE',
        amount: -lot.remaining,
        lots: [{ type: lot.type, expiresAt: lot.expiresAt, points: lot.remaining }],
      },
      ctx,
    );
    current = appended.wallet;
    entries.push(appended.entry);
  }
  const points = due.reduce((sum, lot) => sum + lot.remaining, 0);
  const result = {
    effect: 'created' as const,
    body: {
      transactionId: ctx.transactionId,
      accountId: account.accountId,
      expiresAt: target.expiresAt,
      points,
      lots: due.length,
      balance: current.balance,
    },
  };
  if (listed) {
    const write = pointsWalletUpdate(account, { ...current, lots: current.lots.filter((lot) => !due.includes(lot)) }, ctx.now);
    return { ok: true, accounts: [write], entries, result };
  }
  // A month already over: its page is not in the summary, so pageChanges does not see it.
  const page = unlisted as UnlistedPage;
  const write = pointsWalletUpdate(account, current, ctx.now);
  const walletNext = write.next.wallets.points;
  const next = {
    ...write.next,
    wallets: { ...write.next.wallets, points: { ...walletNext, pastPoints: (walletNext.pastPoints ?? 0) - points } },
  };
  const left = page.lots.filter((lot) => !due.includes(lot));
  return {
    ok: true,
    accounts: [
      {
        ...write,
        next,
        pages: [...(write.pages ?? []), { month: page.month, lots: left, expectedVersion: page.version, version: page.version + 1 }],
      },
    ],
    entries,
    result,
  };
}
