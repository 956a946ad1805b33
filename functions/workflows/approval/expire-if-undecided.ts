import { expireApproval } from '../../usecases/approvals.ts';

/** After the wait timed out: the request expires unless a decision landed just in time (then its status goes on). */
export const handler = (input: { tenantId: string; approvalId: string }): Promise<{ status: string }> =>
  expireApproval(input.tenantId, input.approvalId);
