import { approvalDecisionAnswer } from '../../http/approval-answer.ts';
import { decideApproval } from '../../../usecases/approvals.ts';
import { commandIdentity } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { approveApprovalRoute } from '../../routes/admin/approve-approval.ts';

export const handler = httpHandler(approveApprovalRoute, async (request) => {
  const { note } = request.body;
  const outcome = await decideApproval(commandIdentity(request), request.params.approvalId, {
    decision: 'approve',
    ...(note ? { note } : {}),
  });
  return approvalDecisionAnswer(request, outcome);
});
