import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB Local accepts any credentials, but rejects access key ids containing `-` or `_`,
 * so these stay plain letters. They are placeholders, not secrets.
 */
export const LOCAL_REGION = 'us-east-1';
/** The local service's one table (npm start); written to .local/credentials.json as `tableName`. */
export const LOCAL_TABLE_NAME = 'redroomrewards-local';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Client settings for talking to a DynamoDB Local endpoint from local tooling. */
export function localDynamoDbClientConfig(endpoint: string): DynamoDBClientConfig {
  return { endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
}

/**
 * Points the handlers at a local table. Handlers read their configuration from the
 * environment at module load, so call this before importing any handler module. The endpoint
 * goes through the SDK's own variables (AWS_ENDPOINT_URL_<SERVICE>), which every SDK v3 client
 * reads by itself: functions/ holds no offline setting at all.
 */
export function localAwsEnv(endpoint: string, tableName: string): void {
  process.env.TABLE_NAME = tableName;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS = endpoint;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
}

/**
 * How the SDK reaches s3rver, through its standard environment variables only (SDK v3 reads
 * them by itself; nothing in functions/ knows it is offline):
 * - AWS_ENDPOINT_URL_S3: the server. The endpoint is an IP address (127.0.0.1), for which S3's
 *   endpoint rules choose path-style addressing by themselves (bucket in the path, not the host
 *   name), so no `forcePathStyle` switch is needed. Keep it an IP: `localhost` would get
 *   virtual-hosted addressing (`bucket.localhost`).
 * - AWS_REQUEST_CHECKSUM_CALCULATION and AWS_RESPONSE_CHECKSUM_VALIDATION = WHEN_REQUIRED:
 *   s3rver does not understand the SDK's default streamed checksums (aws-chunked uploads with
 *   trailers) and would store the chunk framing inside the object.
 */
export function localS3SdkEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };
}
