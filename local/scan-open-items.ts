import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../functions/store/client.ts';

/**
 * Every item of one entity whose status is among `statuses`, from a Scan of the local table:
 * how the local service finds what its in-memory workflows forgot on a restart. Fine for a
 * developer's data; never run on AWS.
 */
export async function* scanOpenItems(entity: string, statuses: readonly string[]): AsyncGenerator<Record<string, unknown>> {
  const placeholders = statuses.map((_, i) => `:s${i}`);
  let start: Record<string, unknown> | undefined;
  do {
    const page = await getDocumentClient().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: `entity = :entity AND #status IN (${placeholders.join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':entity': entity, ...Object.fromEntries(statuses.map((status, i) => [placeholders[i]!, status])) },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}
