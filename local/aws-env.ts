import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB Local accepts any credentials, but rejects access key ids containing `-` or `_`,
 * so these stay plain letters. They are placeholders, not secrets.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Client settings for talking to a DynamoDB Local endpoint from local tooling. */
export function localDynamoDbClientConfig(endpoint: string): DynamoDBClientConfig {
  return { endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
}

/**
 * Points the handlers at a local table. Handlers read their configuration from the
 * environment at module load, so call this before importing any handler module.
 */
export function localAwsEnv(endpoint: string, tableName: string): void {
  process.env.TABLE_NAME = tableName;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
}
