import * as z from 'zod/mini';
import { LOCK_KINDS } from '../functions/domain/vocabulary.ts';
import { Instant } from './common.ts';

export const LockKindName = z.enum(LOCK_KINDS);

export const OperatorRef = z.object({ id: z.string(), role: z.string() });

/** An operator action on an account that moves no points, as the operator ledger view lists it. */
export const AccountEventView = z.object({
  eventId: z.string(),
  type: z.enum(['lock.applied', 'lock.lifted']),
  at: Instant,
  actor: z.object({ kind: z.string(), id: z.string(), role: z.optional(z.string()) }),
  requestId: z.string(),
  pointsSeq: z.int().check(z.describe("The points wallet's sequence number when it took effect")),
  lock: z.object({
    lockId: z.string(),
    kind: LockKindName,
    reasonCode: z.string(),
    appliedAt: Instant,
    appliedBy: z.optional(OperatorRef),
    until: z.optional(Instant),
  }),
  reasonCode: z.optional(z.string()),
});
