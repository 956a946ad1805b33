import { getApproval } from '../../../store/approvals.ts';
import { approvalView } from '../../../usecases/approvals.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { getApprovalRoute } from '../../routes/admin/get-approval.ts';

export const handler = httpHandler(getApprovalRoute, async ({ tenantId, params }) => {
  const request = await getApproval(tenantId, params.approvalId);
  if (!request) throw new ProblemError('not_found', `No approval request ${params.approvalId}`);
  return { status: 200, body: approvalView(request, new Date().toISOString()) };
});
