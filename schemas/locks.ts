import * as z from 'zod/mini';
import { LOCK_LIFT_REASON_CODES, LOCK_REASON_CODES } from '../functions/domain/vocabulary.ts';
import { AccountLedgerParams, TenantId } from './admin.ts';
import { AccountId, Instant } from './common.ts';
import { LockKindName, OperatorRef } from './account-events.ts';

export { LockKindName } from './account-events.ts';

export const ApplyLockBody = z.strictObject({
  kind: LockKindName.check(
    z.describe(
      'redemption: redeems and holds refused; transfer: transfers out and in refused; account: every partner change but reversals refused',
    ),
  ),
  reasonCode: z.enum(LOCK_REASON_CODES),
  until: z.optional(Instant.check(z.describe('When the lock stops applying by itself; absent: until lifted'))),
});

export const LiftLockBody = z.strictObject({ reasonCode: z.enum(LOCK_LIFT_REASON_CODES) });

export const ApplyLockParams = AccountLedgerParams;

export const LockParams = z.strictObject({
  tenantId: TenantId,
  accountId: AccountId,
  lockId: z.string().check(z.regex(/^[0-9a-f-]{36}$/), z.describe('The lockId the apply answered')),
});

/** A lock as operators see it: reason and who applied it included (partners see kind and until only). */
export const LockView = z.object({
  lockId: z.string(),
  accountId: AccountId,
  status: z.enum(['active', 'lifted']),
  kind: LockKindName,
  reasonCode: z.string(),
  appliedAt: Instant,
  appliedBy: z.optional(OperatorRef),
  until: z.optional(Instant),
  liftedAt: z.optional(Instant),
  liftedBy: z.optional(OperatorRef),
  liftReasonCode: z.optional(z.string()),
});
