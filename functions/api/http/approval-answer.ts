import { currentApprovalView, deliverDecision } from '../../usecases/approvals.ts';
import type { CommandOutcome } from '../../usecases/command-outcome.ts';
import { httpAnswer } from './command-answer.ts';
import type { HttpResult } from './http-handler.ts';

/**
 * A decision's answer: a refusal as its problem; otherwise, once the decision is handed to the
 * waiting workflow (on a replay too: a delivery lost to a crash is made by the retry), the
 * request as it stands now, which for the last approval is usually already `applied`. A replay
 * answers the same way, current state and all, marked as a replay.
 */
export async function approvalDecisionAnswer(
  request: { tenantId: string; params: { approvalId: string }; remainingMs: () => number },
  outcome: CommandOutcome,
): Promise<HttpResult> {
  const answer = httpAnswer(outcome);
  await deliverDecision(request.tenantId, request.params.approvalId);
  const view = await currentApprovalView(request.tenantId, request.params.approvalId, request.remainingMs);
  return { ...answer, bodyJson: JSON.stringify(view) };
}
