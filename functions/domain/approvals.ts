import { refuse, type Refusal } from './result.ts';
import type { OperatorRole } from './vocabulary.ts';

/**
 * Approval requests, generic over what they approve (an adjustment now; a merge and a transfer
 * reversal later). Pure: who may approve what, when a request is complete, and how it ends.
 * The workflow (Step Functions) waits on a request and applies its action once it is approved.
 */

export const APPROVAL_KINDS = ['adjustment'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export type ApprovalStatus = 'pending' | 'approved' | 'applied' | 'rejected' | 'expired';

/** The roles whose approvals a request needs, and how many of each. */
export interface RequiredApprovals {
  tenant_admin: number;
  platform_admin: number;
}

export interface OperatorRef {
  id: string;
  role: OperatorRole;
}

export interface ApprovalVote {
  by: OperatorRef;
  /** The slot this approval filled (a platform admin may fill a tenant admin's when none of theirs is open). */
  as: keyof RequiredApprovals;
  at: string;
  note?: string;
}

export interface ApprovalRequest<Action = unknown> {
  tenantId: string;
  approvalId: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  requestedBy: OperatorRef;
  requestedAt: string;
  expiresAt: string;
  required: RequiredApprovals;
  approvals: ApprovalVote[];
  rejection?: { by: OperatorRef; at: string; reasonCode: string };
  action: Action;
  /** Set once the action ran: its transaction. */
  outcome?: { transactionId: string; appliedAt: string };
  /** How long the workflow waits for the decision (it times out just after `expiresAt`). */
  waitSeconds: number;
  version: number;
}

/** SPEC section 10: a request not decided within 7 days expires; tenants may configure it. */
export const DEFAULT_APPROVAL_EXPIRY_DAYS = 7;
/**
 * The longest configurable wait. Step Functions allows a year; the local runner's timers overflow
 * past 24.8 days (shared/TOOLCHAIN.md), and a request nobody decides within three weeks is stale.
 */
export const MAX_APPROVAL_EXPIRY_DAYS = 21;
/** Step Functions' timeout fires a little after `expiresAt`, so a decision made in time is never cut off. */
const WAIT_MARGIN_SECONDS = 2;

/** The seconds a request of a tenant with this expiry stays open (fractions of a day allowed; at least one second). */
export const expirySecondsOf = (expiryDays: number) => Math.max(1, Math.round(expiryDays * 86_400));

/** The role an operator approves as: the higher of the approver roles they hold. */
export function approverRole(roles: readonly string[]): OperatorRole | undefined {
  if (roles.includes('platform_admin')) return 'platform_admin';
  return roles.includes('tenant_admin') ? 'tenant_admin' : undefined;
}

/** A new request, pending, open for `expirySeconds`. */
export function newApprovalRequest<Action>(input: {
  tenantId: string;
  approvalId: string;
  kind: ApprovalKind;
  requestedBy: OperatorRef;
  now: string;
  expirySeconds: number;
  required: RequiredApprovals;
  action: Action;
}): ApprovalRequest<Action> {
  const { now, expirySeconds, ...rest } = input;
  return {
    ...rest,
    status: 'pending',
    requestedAt: now,
    expiresAt: new Date(Date.parse(now) + expirySeconds * 1000).toISOString(),
    approvals: [],
    waitSeconds: expirySeconds + WAIT_MARGIN_SECONDS,
    version: 1,
  };
}

/** SPEC section 10: up to 100 points one tenant admin; 101 to 500 two; above 500 two and a platform admin. */
export function requiredForPoints(points: number): RequiredApprovals {
  const size = Math.abs(points);
  if (size <= 100) return { tenant_admin: 1, platform_admin: 0 };
  if (size <= 500) return { tenant_admin: 2, platform_admin: 0 };
  return { tenant_admin: 2, platform_admin: 1 };
}

const filled = (request: ApprovalRequest, slot: keyof RequiredApprovals) => request.approvals.filter((vote) => vote.as === slot).length;

/** Whether every required approval has landed. */
export const isComplete = (request: ApprovalRequest) =>
  filled(request, 'tenant_admin') >= request.required.tenant_admin && filled(request, 'platform_admin') >= request.required.platform_admin;

/** A pending request past its expiry is expired, whatever its stored status says. */
export function effectiveStatus(request: ApprovalRequest, now: string): ApprovalStatus {
  return request.status === 'pending' && now >= request.expiresAt ? 'expired' : request.status;
}

function stillOpen(request: ApprovalRequest, now: string): Refusal | undefined {
  const status = effectiveStatus(request, now);
  if (status === 'expired') return refuse('approval_expired', `Approval request ${request.approvalId} expired at ${request.expiresAt}`);
  if (status !== 'pending') return refuse('approval_not_pending', `Approval request ${request.approvalId} is ${status}`, { status });
  return undefined;
}

/** The slot an approver fills: their own role's, or for a platform admin a tenant admin's once theirs is full. */
function slotFor(request: ApprovalRequest, role: OperatorRole): keyof RequiredApprovals | undefined {
  if (role === 'platform_admin') {
    if (filled(request, 'platform_admin') < request.required.platform_admin) return 'platform_admin';
    return filled(request, 'tenant_admin') < request.required.tenant_admin ? 'tenant_admin' : undefined;
  }
  if (role === 'tenant_admin') return filled(request, 'tenant_admin') < request.required.tenant_admin ? 'tenant_admin' : undefined;
  return undefined;
}

/**
 * One approval. Approvers are distinct and never the requester; an approval no open slot needs
 * is refused rather than counted. The request becomes `approved` when the last one lands.
 */
export function approve(request: ApprovalRequest, approver: OperatorRef, now: string, note?: string): Refusal | ApprovalRequest {
  const closed = stillOpen(request, now);
  if (closed) return closed;
  if (approver.id === request.requestedBy.id) return refuse('approver_not_allowed', 'The requester may not approve their own request');
  if (request.approvals.some((vote) => vote.by.id === approver.id)) {
    return refuse('already_approved', `${approver.id} has already approved this request`);
  }
  const slot = slotFor(request, approver.role);
  if (!slot) return refuse('approver_not_needed', `No approval by a ${approver.role} is still needed`, { required: request.required });
  const approvals = [...request.approvals, { by: approver, as: slot, at: now, ...(note ? { note } : {}) }];
  const next: ApprovalRequest = { ...request, approvals, version: request.version + 1 };
  return isComplete(next) ? { ...next, status: 'approved' } : next;
}

/** One rejection ends the request (the requester may withdraw it the same way). */
export function reject(request: ApprovalRequest, by: OperatorRef, now: string, reasonCode: string): Refusal | ApprovalRequest {
  const closed = stillOpen(request, now);
  if (closed) return closed;
  return { ...request, status: 'rejected', rejection: { by, at: now, reasonCode }, version: request.version + 1 };
}

/** A pending request past its expiry, marked so (the workflow's timeout); anything else stays as it is. */
export function markExpired(request: ApprovalRequest, now: string): ApprovalRequest {
  if (effectiveStatus(request, now) !== 'expired' || request.status !== 'pending') return request;
  return { ...request, status: 'expired', version: request.version + 1 };
}

/** Marks an approved request applied by the transaction that ran its action. */
export function markApplied(request: ApprovalRequest, transactionId: string, now: string): Refusal | ApprovalRequest {
  if (request.status === 'applied') return request;
  if (request.status !== 'approved') return refuse('approval_not_pending', `Approval request ${request.approvalId} is ${request.status}`);
  return { ...request, status: 'applied', outcome: { transactionId, appliedAt: now }, version: request.version + 1 };
}
