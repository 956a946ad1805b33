import * as z from 'zod/mini';
import { AccountId, ExternalId, Points } from './common.ts';
import { SubtotalCents } from './redeem.ts';

/** The longest a hold may last (SPEC section 10): a day. */
export const MAX_HOLD_SECONDS = 86_400;

export const QuoteBody = z.strictObject({ accountId: AccountId, points: Points, subtotalCents: z.optional(SubtotalCents) });

export const QuoteResult = z.object({
  accountId: AccountId,
  points: z.int(),
  discountCents: z.int(),
  available: z.int().check(z.describe('Points a redemption could use now (unexpired, not held)')),
});

export const HoldBody = z.strictObject({
  accountId: AccountId,
  points: Points,
  orderId: ExternalId,
  subtotalCents: z.optional(SubtotalCents),
  holdSeconds: z.optional(
    z
      .int()
      .check(
        z.gte(1),
        z.lte(MAX_HOLD_SECONDS),
        z.describe("How long the hold lasts before it releases itself (default: the tenant's redemption.holdSeconds, 900)"),
      ),
  ),
});

export const RedemptionStatus = z.enum(['held', 'committed', 'released', 'expired']);

export const HoldResult = z.object({
  redemptionId: z.string(),
  status: z.literal('held'),
  accountId: AccountId,
  orderId: ExternalId,
  points: z.int(),
  discountCents: z.int(),
  expiresAt: z.string(),
  balance: z.int(),
  available: z.int(),
  held: z.int(),
});

export const RedemptionParams = z.strictObject({
  redemptionId: z.string().check(z.maxLength(36), z.regex(/^[0-9a-f-]{36}$/), z.describe('The id a hold answered with')),
});

/** Commit and release take no body: an empty object, or none. */
export const EmptyBody = z.strictObject({});

export const CommitResult = z.object({
  redemptionId: z.string(),
  status: z.literal('committed'),
  transactionId: z.string(),
  accountId: AccountId,
  orderId: ExternalId,
  points: z.int(),
  discountCents: z.int(),
  balance: z.int(),
});

export const ReleaseResult = z.object({
  redemptionId: z.string(),
  status: z.literal('released'),
  accountId: AccountId,
  balance: z.int(),
  available: z.int(),
  held: z.int(),
});

export const RedemptionView = z.object({
  redemptionId: z.string(),
  accountId: AccountId,
  orderId: ExternalId,
  points: z.int(),
  discountCents: z.int(),
  status: RedemptionStatus,
  expiresAt: z.string(),
  createdAt: z.string(),
  transactionId: z.optional(z.string()),
  closedAt: z.optional(z.string()),
});
