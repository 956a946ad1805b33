import { randomUUID } from 'node:crypto';
import {
  approve,
  approverRole,
  effectiveStatus,
  expirySecondsOf,
  markExpired,
  newApprovalRequest,
  reject,
  type ApprovalKind,
  type ApprovalRequest,
  type OperatorRef,
  type RequiredApprovals,
} from '../domain/approvals.ts';
import { refuse, type Refusal } from '../domain/result.ts';
import { approvalExpiryDays, type TenantConfig } from '../domain/tenant-config.ts';
import type { AccountEvent, Actor } from '../domain/types.ts';
import type { OperatorRole } from '../domain/vocabulary.ts';
import { getAccount } from '../store/accounts.ts';
import { approvalWrites, getApproval, getTaskToken } from '../store/approvals.ts';
import { tableName } from '../store/client.ts';
import { accountEventToItem } from '../store/items.ts';
import type { TransactItem } from '../store/transact.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { completeTask, startWorkflow } from '../workflows/workflow-client.ts';
import type { CommandIdentity, CommandOutcome } from './command-outcome.ts';
import { runIdempotentWrite, type PreparedWrite } from './run-idempotent-write.ts';
import { requireTenantConfig } from './tenant-config.ts';

/**
 * Approval requests, whatever they approve: requested (stored, then handed to the Approval
 * workflow, which waits for the decision), approved or rejected by operators (each decision
 * one conditional transaction with its audit event), and read. What happens once a request is
 * approved is the workflow's (functions/workflows/approval/).
 */

/** The workflow input of a request: everything in it is stored on the request, so a second start is the same start. */
export const workflowInput = (request: ApprovalRequest) => ({
  tenantId: request.tenantId,
  approvalId: request.approvalId,
  waitSeconds: request.waitSeconds,
});

/** One execution per request, named after it: a retried start finds the first. */
export const executionName = (request: Pick<ApprovalRequest, 'kind' | 'approvalId'>) => `${request.kind}-${request.approvalId}`;

/** The operator as an approval names them; the role is the one they approve as (or the first they hold). */
export function operatorRef(actor: Actor): OperatorRef {
  const roles = actor.kind === 'operator' ? actor.role.split(',') : [];
  return { id: actor.id, role: (approverRole(roles) ?? roles[0] ?? 'support') as OperatorRole };
}

/** An approval event on the account the request acts on: what the audit export and the operator ledger view show. */
export function approvalEventWrite(
  request: ApprovalRequest<{ accountId: string }>,
  type: Extract<AccountEvent, { approval: unknown }>['type'],
  facts: { actor: Actor; requestId: string; at: string; pointsSeq: number; note?: string; as?: string; reasonCode?: string },
): TransactItem {
  const action = request.action as { accountId: string; points?: number; reasonCode?: string; ticket?: string };
  const event: AccountEvent = {
    tenantId: request.tenantId,
    accountId: action.accountId,
    eventId: randomUUID(),
    type,
    at: facts.at,
    actor: facts.actor,
    requestId: facts.requestId,
    pointsSeq: facts.pointsSeq,
    approval: {
      approvalId: request.approvalId,
      kind: request.kind,
      ...(type === 'approval.requested'
        ? {
            ...(action.points !== undefined ? { points: action.points } : {}),
            ...(action.reasonCode ? { reasonCode: action.reasonCode } : {}),
            ...(action.ticket ? { ticket: action.ticket } : {}),
            required: request.required,
          }
        : {}),
      ...(facts.note ? { note: facts.note } : {}),
      ...(facts.as ? { as: facts.as } : {}),
    },
    ...(facts.reasonCode ? { reasonCode: facts.reasonCode } : {}),
  };
  return { Put: { TableName: tableName(), Item: accountEventToItem(event), ConditionExpression: 'attribute_not_exists(PK)' } };
}

/** The points sequence an event on this account sorts after (the account's latest entry). */
async function pointsSeqOf(tenantId: string, accountId: string): Promise<number | undefined> {
  return (await getAccount(tenantId, accountId))?.wallets.points.seq;
}

/** The seconds a tenant's requests stay open. */
export const tenantExpirySeconds = (config: TenantConfig) => expirySecondsOf(approvalExpiryDays(config));

/**
 * Stores a new request (pending, with its `approval.requested` event) and starts its workflow.
 * A retry under the same key replays the stored answer and starts the workflow again, which
 * finds the first execution: a crash between the commit and the start is mended by the retry.
 */
export async function requestApproval<Action extends { accountId: string }>(
  identity: CommandIdentity,
  input: { kind: ApprovalKind; action: Action; required: RequiredApprovals },
): Promise<CommandOutcome> {
  const outcome = await runIdempotentWrite(identity, async (now): Promise<PreparedWrite | Refusal> => {
    const config = await requireTenantConfig(identity.tenantId);
    const pointsSeq = await pointsSeqOf(identity.tenantId, input.action.accountId);
    if (pointsSeq === undefined) return refuse('account_not_found', `Account ${input.action.accountId} does not exist`);
    const request = newApprovalRequest({
      tenantId: identity.tenantId,
      approvalId: randomUUID(),
      kind: input.kind,
      requestedBy: operatorRef(identity.actor),
      now,
      expirySeconds: tenantExpirySeconds(config),
      required: input.required,
      action: input.action,
    });
    return {
      items: [
        ...approvalWrites(request, undefined),
        approvalEventWrite(request, 'approval.requested', { actor: identity.actor, requestId: identity.requestId, at: now, pointsSeq }),
      ],
      result: { effect: 'accepted', body: approvalView(request, now) },
    };
  });
  if (outcome.kind === 'committed' || outcome.kind === 'replayed') {
    const { approvalId } = JSON.parse(outcome.result.bodyJson) as { approvalId: string };
    const request = await getApproval(identity.tenantId, approvalId);
    if (request) await startWorkflow('Approval', executionName(request), workflowInput(request));
  }
  return outcome;
}

export type ApprovalDecision = { decision: 'approve'; note?: string } | { decision: 'reject'; reasonCode: string };

/**
 * One operator's decision on a request, stored with its event in one transaction guarded by
 * the version read (a concurrent decision makes this one `contended`: the operator looks again).
 */
export function decideApproval(identity: CommandIdentity, approvalId: string, input: ApprovalDecision): Promise<CommandOutcome> {
  return runIdempotentWrite(identity, async (now): Promise<PreparedWrite | Refusal> => {
    const before = await getApproval(identity.tenantId, approvalId);
    if (!before) return refuse('approval_not_found', `No approval request ${approvalId}`);
    const by = operatorRef(identity.actor);
    const next = input.decision === 'approve' ? approve(before, by, now, input.note) : reject(before, by, now, input.reasonCode);
    if ('ok' in next) return next;
    const { accountId } = before.action as { accountId: string };
    const pointsSeq = (await pointsSeqOf(identity.tenantId, accountId)) ?? 0;
    const event = approvalEventWrite(
      next as ApprovalRequest<{ accountId: string }>,
      input.decision === 'approve' ? 'approval.approved' : 'approval.rejected',
      {
        actor: identity.actor,
        requestId: identity.requestId,
        at: now,
        pointsSeq,
        ...(input.decision === 'approve'
          ? { ...(input.note ? { note: input.note } : {}), as: next.approvals.at(-1)!.as }
          : { reasonCode: input.reasonCode }),
      },
    );
    return { items: [...approvalWrites(next, before), event], result: { effect: 'updated', body: approvalView(next, now) } };
  });
}

/**
 * The workflow's wait timed out: a request still pending is marked expired, with its event. A
 * request decided meanwhile (an approval that landed just in time) is left as it is and its
 * status returned, so the workflow goes on to apply it. Its own key makes a retried step harmless.
 */
export async function expireApproval(tenantId: string, approvalId: string): Promise<{ status: string }> {
  const identity: CommandIdentity = {
    tenantId,
    idempotency: { namespace: 'system', key: `approval-expiry:${approvalId}` },
    operationId: 'expireApproval',
    actor: { kind: 'system', id: 'approval-workflow' },
    requestId: approvalId,
    hashInput: { params: { approvalId }, body: {} },
  };
  const outcome = await runIdempotentWrite(identity, async (now): Promise<PreparedWrite | Refusal> => {
    const before = await getApproval(tenantId, approvalId);
    if (!before) return refuse('approval_not_found', `No approval request ${approvalId}`);
    // The timeout fires after `expiresAt` by design; a clock behind that still counts it expired.
    const next = markExpired(before, [now, before.expiresAt].sort().at(-1)!);
    if (next === before) return { items: [], result: { effect: 'updated', body: { status: before.status } } };
    const { accountId } = before.action as { accountId: string };
    const pointsSeq = (await pointsSeqOf(tenantId, accountId)) ?? 0;
    const event = approvalEventWrite(next as ApprovalRequest<{ accountId: string }>, 'approval.expired', {
      actor: identity.actor,
      requestId: identity.requestId,
      at: now,
      pointsSeq,
    });
    return { items: [...approvalWrites(next, before), event], result: { effect: 'updated', body: { status: next.status } } };
  });
  if (outcome.kind === 'committed' || outcome.kind === 'replayed') return JSON.parse(outcome.result.bodyJson) as { status: string };
  if (outcome.kind === 'refused') throw new Error(`${outcome.refusal.code}: ${outcome.refusal.detail}`);
  throw new Error(`Expiring approval ${approvalId} did not finish (${outcome.kind}); retrying`);
}

/** A request as operators see it: its effective status (a pending request past its expiry reads `expired`). */
export function approvalView(request: ApprovalRequest, now: string) {
  const { version: _version, waitSeconds: _wait, tenantId: _tenant, ...rest } = request;
  return { ...rest, status: effectiveStatus(request, now) };
}

/**
 * Hands a decided request's status to its waiting workflow step, if the step has stored its
 * token yet (if not, the step finds the decision itself when it does). Called after every
 * decision's commit and on its replays, so a delivery lost to a crash is made by the retry.
 */
export async function deliverDecision(tenantId: string, approvalId: string): Promise<void> {
  const request = await getApproval(tenantId, approvalId);
  if (!request || (request.status !== 'approved' && request.status !== 'rejected')) return;
  const token = await getTaskToken(tenantId, approvalId);
  if (token) await completeTask(token, { status: request.status });
}

/** How often, and how long at most, a decision's answer looks for the action applied. */
const APPLIED_POLL_MS = 100;
const APPLIED_WAIT_MS = 3000;
/** Time kept for answering after the wait. */
const ANSWER_MARGIN_MS = 2000;

/**
 * The request as it stands, once the workflow had a moment to apply it: an approved request is
 * read again until it is applied, for up to 3 s (less near the caller's deadline). The workflow
 * goes on either way; an answer that still says `approved` becomes `applied` on a later read.
 */
export async function currentApprovalView(tenantId: string, approvalId: string, remainingMs: () => number) {
  const waitUntil = Date.now() + Math.min(APPLIED_WAIT_MS, remainingMs() - ANSWER_MARGIN_MS);
  for (;;) {
    const request = await getApproval(tenantId, approvalId);
    if (!request) return undefined;
    if (request.status !== 'approved' || Date.now() + APPLIED_POLL_MS > waitUntil) return approvalView(request, new Date().toISOString());
    await delay(APPLIED_POLL_MS);
  }
}
