import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../functions/store/client.ts';
import { itemToRedemption } from '../functions/store/items.ts';
import { startWorkflow } from '../functions/workflows/workflow-client.ts';

/**
 * Like resume-approvals.ts, for redemption holds: after a restart with kept data, each hold
 * still stored as held gets its timer started again (a hold past its end expires at once).
 * A Scan of the local table, never run on AWS, where executions outlive any function.
 */
export async function resumeOpenHolds(): Promise<number> {
  let resumed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await getDocumentClient().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'entity = :redemption AND #status = :held',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':redemption': 'REDEMPTION', ':held': 'held' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const hold = itemToRedemption(item);
      await startWorkflow('RedemptionHold', hold.redemptionId, {
        tenantId: hold.tenantId,
        redemptionId: hold.redemptionId,
        expiresAt: hold.expiresAt,
      });
      resumed += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return resumed;
}
