import { getApproval, putTaskToken } from '../../store/approvals.ts';
import { completeTask } from '../workflow-client.ts';

/** What the Approval workflow's AwaitDecision state passes (its Payload): the request and the state's callback token. */
export interface AwaitDecisionInput {
  taskToken: string;
  tenantId: string;
  approvalId: string;
}

/**
 * The Approval workflow's waiting step (`lambda:invoke.waitForTaskToken`): stores the token the
 * decision will complete the step with. The decision routes read it after their commit; this
 * step reads the request after storing it, and hands over a decision made before the token was
 * there. Each side looks after its own write, so one of them always delivers (a second delivery
 * finds the step gone, harmlessly).
 */
export const handler = async (input: AwaitDecisionInput): Promise<Record<string, never>> => {
  await putTaskToken(input.tenantId, input.approvalId, input.taskToken, new Date());
  const request = await getApproval(input.tenantId, input.approvalId);
  if (request && request.status !== 'pending') await completeTask(input.taskToken, { status: request.status });
  return {};
};
