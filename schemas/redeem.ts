import * as z from 'zod/mini';
import { AccountId, ExternalId, Points } from './common.ts';

/** The order subtotal a redemption may name: then its discount is capped by the tier (one definition for redeem, quote and hold). */
export const SubtotalCents = z
  .int()
  .check(
    z.gte(0),
    z.lte(1_000_000_000),
    z.describe(
      "The order subtotal in cents: when given, a discount above the account's tier cap (maxDiscountPercent of it) is refused with discount_above_cap",
    ),
  );

export const RedeemBody = z.strictObject({
  accountId: AccountId,
  points: Points,
  orderId: ExternalId,
  subtotalCents: z.optional(SubtotalCents),
});

export const RedeemResult = z.object({
  transactionId: z.string(),
  accountId: AccountId,
  points: z.int(),
  discountCents: z.int(),
  balance: z.int(),
});
