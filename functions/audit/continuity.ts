import type { LedgerEntry } from '../domain/types.ts';

/** A wallet's balance and debt after some entry (or before its first: zero and zero). */
export interface WalletTotals {
  balance: number;
  debt: number;
}

/**
 * Why `entry` does not follow from the totals before it, or undefined when it does. The hash
 * chain proves entries were not edited after they were written, not that the wallet they were
 * computed from was honest: points added by editing the account item show up only here.
 *
 * The rules are the domain's (functions/domain/lots.ts): a credit pays debt down first, so
 * debt after is max(0, debt - amount); a debit adds to debt only the part no lot covered, so
 * debt grows by 0 to |amount|; lots never go below zero, so debt covers a negative balance.
 */
export function continuityBreak(
  before: WalletTotals,
  entry: Pick<LedgerEntry, 'seq' | 'amount' | 'balanceAfter' | 'debtAfter'>,
): string | undefined {
  const balance = before.balance + entry.amount;
  if (entry.balanceAfter !== balance) {
    return `balanceAfter is ${entry.balanceAfter}, but the balance before it (${before.balance}) plus its amount (${entry.amount}) is ${balance}`;
  }
  // Entries sealed before debtAfter existed carry none: only the balance can be checked.
  if (typeof entry.debtAfter !== 'number') return undefined;
  if (entry.amount >= 0) {
    const debt = Math.max(0, before.debt - entry.amount);
    if (entry.debtAfter !== debt) {
      return `debtAfter is ${entry.debtAfter}, but a credit of ${entry.amount} on a debt of ${before.debt} leaves ${debt}`;
    }
  } else if (entry.debtAfter < before.debt || entry.debtAfter > before.debt - entry.amount) {
    return `debtAfter is ${entry.debtAfter}, but a debit of ${-entry.amount} on a debt of ${before.debt} leaves ${before.debt} to ${before.debt - entry.amount}`;
  }
  if (entry.balanceAfter + entry.debtAfter < 0) {
    return `debtAfter ${entry.debtAfter} does not cover the balance of ${entry.balanceAfter} (lots cannot be negative)`;
  }
  return undefined;
}

export const totalsAfter = (entry: Pick<LedgerEntry, 'balanceAfter' | 'debtAfter'>): WalletTotals => ({
  balance: entry.balanceAfter,
  debt: typeof entry.debtAfter === 'number' ? entry.debtAfter : 0,
});
