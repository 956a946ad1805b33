import { verifyChain } from '../../functions/domain/hash-chain.ts';
import type { LedgerEntry, Wallet } from '../../functions/domain/types.ts';
import { getAccount } from '../../functions/store/accounts.ts';
import { MAX_LEDGER_SEQ, readLedgerRange } from '../../functions/store/ledger-query.ts';
import { queryPages, type StoredPage } from '../../functions/store/lot-pages.ts';

export const allLedgerEntries = (tenantId: string, accountId: string): Promise<LedgerEntry[]> =>
  readLedgerRange({ tenantId, accountId, wallet: 'points', fromSeq: 1, toSeq: MAX_LEDGER_SEQ });

/**
 * The invariants every wallet must satisfy after any workload: balance = sum of ledger
 * amounts = sum of lots (in every lot page, expired ones included) minus debt, each page
 * agreeing with the account's summary of it, sequences without gaps, a hash chain that
 * verifies, and the wallet's head pointing at the last entry.
 */
export async function auditAccount(tenantId: string, accountId: string) {
  const account = await getAccount(tenantId, accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  const entries = await allLedgerEntries(tenantId, accountId);
  const wallet = account.wallets.points;
  const ledgerSum = entries.reduce((sum, entry) => sum + entry.amount, 0);
  const pages = await queryPages(tenantId, accountId);
  const lots = wallet.pages ? pages.flatMap((page) => page.lots) : wallet.lots;
  const lotSum = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  return {
    lots,
    pageSummaryViolations: pageSummaryViolations(wallet, pages),
    account,
    entries,
    balance: wallet.balance,
    ledgerSum,
    lotsMinusDebt: lotSum - wallet.debt,
    chainBreak: verifyChain(entries),
    headMatches: wallet.seq === entries.length && (entries.at(-1)?.hash ?? wallet.headHash) === wallet.headHash,
    lastBalanceAfter: entries.at(-1)?.balanceAfter ?? 0,
  };
}

/** Each page the summary names holds what it says at the version it says; pages past the summary are counted in `pastPoints`. */
export function pageSummaryViolations(wallet: Wallet, pages: StoredPage[]): string[] {
  if (!wallet.pages) return pages.length > 0 ? ['lot pages beside a wallet without a page summary'] : [];
  const out: string[] = [];
  let past = 0;
  for (const page of pages) {
    const points = page.lots.reduce((sum, lot) => sum + lot.remaining, 0);
    const summary = wallet.pages[page.month];
    if (page.lots.length === 0 || page.lots.some((lot) => lot.remaining <= 0)) out.push(`page ${page.month}: a lot with nothing remaining`);
    if (!summary) past += points;
    else if (summary.points !== points || summary.version !== page.version) {
      out.push(`page ${page.month}: holds ${points} at v${page.version}, summary says ${summary.points} at v${summary.version}`);
    }
  }
  for (const month of Object.keys(wallet.pages)) {
    if (!pages.some((page) => page.month === month)) out.push(`page ${month}: in the summary but not in the table`);
  }
  if (past !== (wallet.pastPoints ?? 0)) out.push(`pages past the summary hold ${past}, pastPoints says ${wallet.pastPoints ?? 0}`);
  return out;
}
