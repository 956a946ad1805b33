import * as z from 'zod/mini';
import { AccountId, ExternalId, Points } from './common.ts';

export const RedeemBody = z.strictObject({ accountId: AccountId, points: Points, orderId: ExternalId });

export const RedeemResult = z.object({
  transactionId: z.string(),
  accountId: AccountId,
  points: z.int(),
  discountCents: z.int(),
  balance: z.int(),
});
