import { applyApproval } from '../../usecases/apply-approval.ts';

/** Runs an approved request's action once (functions/usecases/apply-approval.ts). */
export const handler = (input: { tenantId: string; approvalId: string }): Promise<{ status: 'applied'; transactionId: string }> =>
  applyApproval(input.tenantId, input.approvalId);
