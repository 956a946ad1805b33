import * as z from 'zod/mini';
import { AccountId, Instant } from './common.ts';

export const LedgerEntryType = z.enum(['EARN', 'REDEEM', 'REVERSAL', 'EXPIRE', 'ADJUSTMENT']);

export const MAX_PAGE_SIZE = 100;

export const TransactionsQuery = z.strictObject({
  accountId: AccountId,
  type: z.optional(LedgerEntryType),
  from: z.optional(Instant),
  to: z.optional(Instant),
  limit: z.optional(z.string().check(z.regex(/^([1-9]\d?|100)$/), z.describe(`Page size, 1 to ${MAX_PAGE_SIZE}; default 25`))),
  cursor: z.optional(z.string().check(z.maxLength(200), z.regex(/^[A-Za-z0-9_-]+$/))),
});

export const TransactionView = z.object({
  transactionId: z.string(),
  accountId: AccountId,
  wallet: z.enum(['points', 'allocation']),
  sequence: z.int(),
  type: LedgerEntryType,
  points: z.int(),
  balanceAfter: z.int(),
  source: z.optional(z.object({ type: z.string(), orderId: z.optional(z.string()), campaignId: z.optional(z.string()) })),
  reasonCode: z.optional(z.string()),
  ruleVersion: z.optional(z.int()),
  promotionId: z.optional(z.string().check(z.describe('The configured promotion that priced this purchase earn'))),
  lots: z.array(z.object({ type: z.string(), expiresAt: Instant, points: z.int() })),
  occurredAt: z.optional(Instant),
  createdAt: Instant,
  hash: z.string(),
});

export const TransactionsPage = z.object({
  items: z.array(TransactionView),
  nextCursor: z.optional(
    z
      .string()
      .check(
        z.describe(
          'Present while the range may hold more entries: pass it as cursor. It can come with fewer items than limit (the read budget ran out first): keep going.',
        ),
      ),
  ),
});
