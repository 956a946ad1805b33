import * as z from 'zod/mini';
import { AccountId, ExternalId, Points } from './common.ts';

export const ReversalBody = z.strictObject({
  accountId: AccountId,
  orderId: ExternalId,
  points: z.optional(Points),
  reason: z.optional(z.enum(['refund', 'chargeback'])),
});

export const ReversalResult = z.object({
  transactionId: z.string(),
  accountId: AccountId,
  points: z.int(),
  balance: z.int(),
});
