import * as z from 'zod/mini';
import { AccountId, ExternalId, Instant } from './common.ts';

export const AccountRole = z.enum(['CONSUMER', 'MODEL']);

export const AccountPathParams = z.strictObject({ accountId: AccountId });

export const AccountUpsertBody = z.strictObject({
  profile: z.strictObject({ profileId: ExternalId, role: AccountRole }),
  verification: z.optional(
    z.strictObject({ email: z.optional(z.boolean()), phone: z.optional(z.boolean()), enhanced: z.optional(z.boolean()) }),
  ),
  tier: z.optional(z.string().check(z.minLength(1), z.maxLength(32))),
});

export const AccountView = z.object({
  accountId: AccountId,
  profile: z.object({ profileId: ExternalId, role: AccountRole }),
  verification: z.object({ email: z.boolean(), phone: z.boolean(), enhanced: z.boolean() }),
  tier: z.string(),
  trustLevel: z.enum(['L0', 'L1', 'L2', 'L3']),
  locks: z.array(z.object({ kind: z.enum(['transfer', 'redemption', 'account']), until: z.optional(Instant) })),
  createdAt: Instant,
  updatedAt: Instant,
});
