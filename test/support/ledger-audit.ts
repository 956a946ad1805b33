import { verifyChain } from '../../functions/domain/hash-chain.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { getAccount } from '../../functions/store/accounts.ts';
import { MAX_LEDGER_SEQ, readLedgerRange } from '../../functions/store/ledger-query.ts';

export const allLedgerEntries = (tenantId: string, accountId: string): Promise<LedgerEntry[]> =>
  readLedgerRange({ tenantId, accountId, wallet: 'points', fromSeq: 1, toSeq: MAX_LEDGER_SEQ });

/**
 * The invariants every wallet must satisfy after any workload: balance = sum of ledger
 * amounts = sum of lots minus debt, sequences without gaps, a hash chain that verifies,
 * and the wallet's head pointing at the last entry.
 */
export async function auditAccount(tenantId: string, accountId: string) {
  const account = await getAccount(tenantId, accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  const entries = await allLedgerEntries(tenantId, accountId);
  const wallet = account.wallets.points;
  const ledgerSum = entries.reduce((sum, entry) => sum + entry.amount, 0);
  const lotSum = wallet.lots.reduce((sum, lot) => sum + lot.remaining, 0);
  return {
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
