import * as z from 'zod/mini';
import { LOCK_KINDS } from '../functions/domain/vocabulary.ts';
import { Instant } from './common.ts';

export const LockKindName = z.enum(LOCK_KINDS);

export const OperatorRef = z.object({ id: z.string(), role: z.string() });

/** An operator action on an account that moves no points by itself, as the operator ledger view lists it. */
export const AccountEventView = z.object({
  eventId: z.string(),
  type: z.enum([
    'lock.applied',
    'lock.lifted',
    'approval.requested',
    'approval.approved',
    'approval.rejected',
    'approval.expired',
    'tier.changed',
  ]),
  at: Instant,
  actor: z.object({ kind: z.string(), id: z.string(), role: z.optional(z.string()) }),
  requestId: z.string(),
  pointsSeq: z.int().check(z.describe("The points wallet's sequence number when it took effect")),
  lock: z.optional(
    z
      .object({
        lockId: z.string(),
        kind: LockKindName,
        reasonCode: z.string(),
        appliedAt: Instant,
        appliedBy: z.optional(OperatorRef),
        until: z.optional(Instant),
      })
      .check(z.describe('For lock events: the lock')),
  ),
  approval: z.optional(
    z
      .object({
        approvalId: z.string(),
        kind: z.string(),
        points: z.optional(z.int()),
        reasonCode: z.optional(z.string()),
        ticket: z.optional(z.string()),
        note: z.optional(z.string()),
        required: z.optional(z.object({ tenant_admin: z.int(), platform_admin: z.int() })),
        as: z.optional(z.string().check(z.describe('The approval slot a vote filled'))),
      })
      .check(z.describe('For approval events: the request, and the decision this event records')),
  ),
  tier: z.optional(
    z
      .object({
        from: z.string(),
        to: z.string(),
        cause: z.enum(['qualification', 'partner', 'period_end']),
        effectiveAt: Instant.check(z.describe('When it took effect: a period end may lie before `at`, when the next write recorded it')),
        qualifyingPoints: z.optional(z.int().check(z.describe('Points in the window that decided it'))),
      })
      .check(z.describe('For tier changes: from, to, why and since when')),
  ),
  reasonCode: z.optional(z.string().check(z.describe('A lift’s or a rejection’s reason'))),
});
