import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../functions/store/client.ts';
import { itemToApproval } from '../functions/store/approvals.ts';
import { executionName, workflowInput } from '../functions/usecases/approvals.ts';
import { startWorkflow } from '../functions/workflows/workflow-client.ts';

/**
 * Local executions live in the service's memory (local/step-functions-server.ts): after a
 * restart with kept data, the requests still open (pending, or approved and not yet applied)
 * get their workflow started again, which waits, expires or applies them as the first would
 * have. A Scan of the local table: fine for a developer's data, never run on AWS (where
 * executions outlive any function).
 */
export async function resumeOpenApprovals(): Promise<number> {
  let resumed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await getDocumentClient().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'entity = :approval AND #status IN (:pending, :approved)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':approval': 'APPROVAL', ':pending': 'pending', ':approved': 'approved' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const request = itemToApproval(item);
      // The wait left, not the whole: the request still expires at its own `expiresAt`.
      const left = Math.max(1, Math.ceil((Date.parse(request.expiresAt) - Date.now()) / 1000) + 2);
      await startWorkflow('Approval', executionName(request), { ...workflowInput(request), waitSeconds: left });
      resumed += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return resumed;
}
