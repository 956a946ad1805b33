import { itemToApproval } from '../functions/store/approvals.ts';
import { executionName, workflowInput } from '../functions/usecases/approvals.ts';
import { startWorkflow } from '../functions/workflows/workflow-client.ts';
import { scanOpenItems } from './scan-open-items.ts';

/**
 * Local executions live in the service's memory (local/step-functions-server.ts): after a
 * restart with kept data, the requests still open (pending, or approved and not yet applied)
 * get their workflow started again, which waits, expires or applies them as the first would
 * have. On AWS executions outlive any function, and this never runs.
 */
export async function resumeOpenApprovals(start: typeof startWorkflow = startWorkflow): Promise<number> {
  let resumed = 0;
  for await (const item of scanOpenItems('APPROVAL', ['pending', 'approved'])) {
    const request = itemToApproval(item);
    // The wait left, not the whole: the request still expires at its own `expiresAt`.
    const left = Math.max(1, Math.ceil((Date.parse(request.expiresAt) - Date.now()) / 1000) + 2);
    await start('Approval', executionName(request), { ...workflowInput(request), waitSeconds: left });
    resumed += 1;
  }
  return resumed;
}
