import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createTableInput } from '../../functions/store/table-definition.ts';
import { localAwsEnv, localDynamoDbClientConfig } from '../../local/aws-env.ts';

/**
 * A fresh table on the run's shared DynamoDB Local, and the environment pointing handlers at
 * it. Import handler modules only after this resolves: they read the environment on load.
 */
export async function useTestTable(endpoint: string = inject('dynamoEndpoint')): Promise<{ tableName: string; endpoint: string }> {
  const tableName = `test-${randomBytes(6).toString('hex')}`;
  const client = new DynamoDBClient(localDynamoDbClientConfig(endpoint));
  try {
    // DynamoDB Local creates tables ACTIVE at once, so there is nothing to wait for.
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } finally {
    client.destroy();
  }
  localAwsEnv(endpoint, tableName);
  return { tableName, endpoint };
}
