import * as z from 'zod/mini';
import { AccountId } from './common.ts';

export const BalanceQuery = z.strictObject({ accountId: AccountId });

export const BalanceView = z.object({
  accountId: AccountId,
  balance: z.int().check(z.describe('Ledger balance: sum of all entries; negative while in debt')),
  available: z.int().check(z.describe('Points a redemption can use now: unexpired, not held, zero while in debt')),
  held: z.int(),
  debt: z.int(),
  expired: z.int().check(z.describe('Expired points awaiting the expiry sweep; never available')),
  byType: z.record(z.string(), z.int()),
  expiring: z.array(z.object({ date: z.string(), points: z.int() })),
});
