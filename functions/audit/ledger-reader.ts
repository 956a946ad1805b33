import type { WalletName } from '../domain/types.ts';
import { readLedgerRange as readWalletRange } from '../store/ledger-query.ts';
import type { LedgerReader } from './seal.ts';

/**
 * The sealer's way back to the source: a wallet's entries by sequence range (ledger items
 * carry no TTL, so they stay in the table, hot, for at least the 120 days before exports go
 * cold, in fact for good).
 */
export const readLedgerRange: LedgerReader = (range) => readWalletRange({ ...range, wallet: range.wallet as WalletName });
