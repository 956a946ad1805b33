import * as z from 'zod/mini';
import { AccountId, ExternalId, Instant, Points } from './common.ts';

export const PurchaseSource = z.strictObject({
  type: z.literal('purchase'),
  orderId: ExternalId,
  subtotalCents: z.int().check(z.gte(0), z.lte(1_000_000_000), z.describe('Order subtotal after discounts, before taxes and fees')),
});

export const PromotionSource = z.strictObject({
  type: z.literal('promotion'),
  campaignId: ExternalId,
  points: Points,
  expiresInDays: z.optional(
    z
      .int()
      .check(z.positive(), z.lte(3650), z.describe("Days the points live (the tenant's promotion range, 30 to 90 by default); default 90")),
  ),
});

/** A bonus lives the tenant's bonus expiry; it takes no expiry of its own. */
export const BonusSource = z.strictObject({
  type: z.literal('bonus'),
  campaignId: ExternalId,
  points: Points,
});

export const EarnBody = z.strictObject({
  accountId: AccountId,
  source: z.discriminatedUnion('type', [PurchaseSource, PromotionSource, BonusSource]),
  occurredAt: z.optional(Instant),
});

export const EarnResult = z.object({
  transactionId: z.string(),
  accountId: AccountId,
  points: z.int(),
  balance: z.int(),
  ruleVersion: z.int(),
  promotionId: z.optional(
    z.string().check(z.describe('The configured promotion that priced this purchase (the one worth most to the member), when one applied')),
  ),
});
