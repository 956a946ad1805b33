import { approvalDecisionAnswer } from '../../http/approval-answer.ts';
import { decideApproval } from '../../../usecases/approvals.ts';
import { commandIdentity } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { rejectApprovalRoute } from '../../routes/admin/reject-approval.ts';

export const handler = httpHandler(rejectApprovalRoute, async (request) => {
  const outcome = await decideApproval(commandIdentity(request), request.params.approvalId, {
    decision: 'reject',
    reasonCode: request.body.reasonCode,
  });
  return approvalDecisionAnswer(request, outcome);
});
