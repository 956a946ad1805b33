import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createTableInput } from '../../functions/store/table-definition.ts';
import { localAwsEnv, localDynamoDbClientConfig } from '../../local/aws-env.ts';

/**
 * The test file's table (named by test/support/test-env.ts before any import) on the run's
 * shared DynamoDB Local, or on the one given, and the environment pointing handlers at it.
 * The functions read TABLE_NAME once, on load, so the name never changes within a file.
 */
export async function useTestTable(endpoint: string = inject('dynamoEndpoint')): Promise<{ tableName: string; endpoint: string }> {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set: test/support/test-env.ts runs first (vitest setupFiles)');
  const client = new DynamoDBClient(localDynamoDbClientConfig(endpoint));
  try {
    // DynamoDB Local creates tables ACTIVE at once, so there is nothing to wait for.
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
  localAwsEnv(endpoint, tableName);
  return { tableName, endpoint };
}
