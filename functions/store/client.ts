import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DYNAMODB_CLIENT_LIMITS } from '../config/sdk-clients.ts';
import { tableConfig } from '../config/table.ts';

/**
 * One document client per process, created on first use, with bounded timeouts and attempts
 * (functions/config/sdk-clients.ts). Module-level so a warm Lambda reuses its connections.
 * The table name is read and validated when this module loads (functions/config/table.ts);
 * the endpoint is the SDK's own business (AWS_ENDPOINT_URL_DYNAMODB offline).
 */
let documentClient: DynamoDBDocumentClient | undefined;

export function getDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({ ...DYNAMODB_CLIENT_LIMITS }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documentClient;
}

export function tableName(): string {
  return tableConfig.TABLE_NAME;
}
