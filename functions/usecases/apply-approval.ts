import { markApplied, type ApprovalRequest } from '../domain/approvals.ts';
import { decideAdjustment, type AdjustmentAction } from '../domain/decisions/adjustment.ts';
import type { Decision } from '../domain/plan.ts';
import type { TenantConfig } from '../domain/tenant-config.ts';
import type { RequestContext } from '../domain/types.ts';
import type { DecisionState } from '../store/load-decision-state.ts';
import { getApproval } from '../store/approvals.ts';
import { runIdempotentCommand } from './run-idempotent-command.ts';
import { requireTenantConfig } from './tenant-config.ts';

/** The idempotency key an approval's action runs under: one per request, so however often the step runs, it applies once. */
export const applyKey = (approvalId: string) => `approval:${approvalId}`;

/** What each kind of request does once approved: a decision over its account, made in the one command path. */
const ACTIONS: Record<
  ApprovalRequest['kind'],
  (request: ApprovalRequest, state: DecisionState, config: TenantConfig, ctx: RequestContext) => Decision
> = {
  adjustment: (request, state, config, ctx) =>
    decideAdjustment(state.account, request.action as AdjustmentAction, request.approvalId, config, ctx),
};

export class ApplyFailed extends Error {
  override name = 'ApplyFailed';
}

/**
 * Runs an approved request's action and marks the request applied, in one transaction, under
 * the request's own idempotency key: a step retried after its commit (the Lambda killed before
 * it answered, a timeout, a redelivery) replays the first outcome instead of applying again.
 * A refusal (an account gone) or a request not approved is an error the workflow records.
 */
export async function applyApproval(tenantId: string, approvalId: string): Promise<{ status: 'applied'; transactionId: string }> {
  const request = await getApproval(tenantId, approvalId);
  if (!request) throw new ApplyFailed(`No approval request ${approvalId}`);
  if (request.status === 'applied' && request.outcome) return { status: 'applied', transactionId: request.outcome.transactionId };
  if (request.status !== 'approved') throw new ApplyFailed(`Approval request ${approvalId} is ${request.status}, not approved`);
  const config = await requireTenantConfig(tenantId);
  const { accountId } = request.action as { accountId: string };
  const outcome = await runIdempotentCommand({
    tenantId,
    idempotency: { namespace: 'system', key: applyKey(approvalId) },
    operationId: 'applyApproval',
    actor: { kind: 'system', id: 'approval-workflow' },
    requestId: approvalId,
    hashInput: { params: { approvalId }, body: {} },
    accountIds: [accountId],
    decide: (state, ctx) => {
      const decision = ACTIONS[request.kind](request, state, config, ctx);
      if (!decision.ok) return decision;
      const applied = markApplied(request, ctx.transactionId, ctx.now);
      if ('ok' in applied) return applied;
      return { ...decision, approval: { next: applied, before: request } };
    },
  });
  if (outcome.kind === 'committed' || outcome.kind === 'replayed') {
    const { transactionId } = JSON.parse(outcome.result.bodyJson) as { transactionId: string };
    return { status: 'applied', transactionId };
  }
  if (outcome.kind === 'refused') throw new ApplyFailed(`${outcome.refusal.code}: ${outcome.refusal.detail}`);
  // Contended, out of time, in flight elsewhere: nothing was written (or the other delivery
  // writes it); the state's Retry runs the step again, which replays or applies.
  throw new Error(`Applying approval ${approvalId} did not finish (${outcome.kind}); retrying`);
}
