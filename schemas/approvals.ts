import * as z from 'zod/mini';
import { ADJUSTMENT_REASON_CODES, APPROVAL_REJECT_REASON_CODES } from '../functions/domain/vocabulary.ts';
import { OperatorRef } from './account-events.ts';
import { TenantId } from './admin.ts';
import { AccountId, Instant } from './common.ts';

/** The largest adjustment one request may make, either way. */
export const MAX_ADJUSTMENT_POINTS = 10_000_000;

export const ApprovalId = z.uuid().check(z.describe('The approval request id'));

export const CreateAdjustmentBody = z.strictObject({
  accountId: AccountId,
  points: z.int().check(
    z.gte(-MAX_ADJUSTMENT_POINTS),
    z.lte(MAX_ADJUSTMENT_POINTS),
    z.refine((points) => points !== 0, 'points must not be zero'),
    z.describe('Signed: a credit (an adjustment lot, 365 days) or a debit (may leave the balance negative)'),
  ),
  reasonCode: z.enum(ADJUSTMENT_REASON_CODES),
  ticket: z.string().check(z.minLength(1), z.maxLength(64), z.describe('Your support or incident ticket reference')),
  note: z.string().check(z.minLength(1), z.maxLength(1000), z.describe('Private to operators: never shown to partners')),
});

export const ApprovalParams = z.strictObject({ tenantId: TenantId, approvalId: ApprovalId });

export const ApprovalStatusName = z.enum(['pending', 'approved', 'applied', 'rejected', 'expired']);

export const ListApprovalsQuery = z.strictObject({
  status: z.optional(ApprovalStatusName.check(z.describe('Default pending'))),
  limit: z.optional(z.string().check(z.regex(/^([1-9]\d?|100)$/), z.describe('Page size, 1 to 100 (default 50)'))),
  cursor: z.optional(z.string().check(z.maxLength(200), z.regex(/^[A-Za-z0-9_-]+$/))),
});

export const ApproveBody = z.strictObject({ note: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))) });

export const RejectBody = z.strictObject({ reasonCode: z.enum(APPROVAL_REJECT_REASON_CODES) });

const Required = z.object({ tenant_admin: z.int(), platform_admin: z.int() });

export const ApprovalView = z.object({
  approvalId: z.string(),
  kind: z.string(),
  status: ApprovalStatusName,
  requestedBy: OperatorRef,
  requestedAt: Instant,
  expiresAt: Instant,
  required: Required,
  approvals: z.array(z.object({ by: OperatorRef, as: z.string(), at: Instant, note: z.optional(z.string()) })),
  rejection: z.optional(z.object({ by: OperatorRef, at: Instant, reasonCode: z.string() })),
  action: z.object({
    accountId: AccountId,
    points: z.int(),
    reasonCode: z.string(),
    ticket: z.string(),
    note: z.string(),
  }),
  outcome: z.optional(z.object({ transactionId: z.string(), appliedAt: Instant }).check(z.describe('Once applied: the transaction'))),
});

export const ApprovalList = z.object({ items: z.array(ApprovalView), nextCursor: z.optional(z.string()) });
