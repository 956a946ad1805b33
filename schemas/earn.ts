import * as z from 'zod/mini';
import { AccountId, ExternalId, Instant, Points } from './common.ts';

export const PurchaseSource = z.strictObject({
  type: z.literal('purchase'),
  orderId: ExternalId,
  subtotalCents: z.int().check(z.gte(0), z.lte(1_000_000_000), z.describe('Order subtotal after discounts, before taxes and fees')),
});

export const CampaignSource = z.strictObject({
  type: z.enum(['promotion', 'bonus']),
  campaignId: ExternalId,
  points: Points,
  expiresInDays: z.optional(z.int().check(z.positive(), z.lte(3650))),
});

export const EarnBody = z.strictObject({
  accountId: AccountId,
  source: z.discriminatedUnion('type', [PurchaseSource, CampaignSource]),
  occurredAt: z.optional(Instant),
});

export const EarnResult = z.object({
  transactionId: z.string(),
  accountId: AccountId,
  points: z.int(),
  balance: z.int(),
  ruleVersion: z.int(),
});
