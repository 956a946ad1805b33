import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PartnerScope } from '../api/route-types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { keys } from './keys.ts';

/** A partner key as stored: only its keyed hash, never the key itself. */
export interface ApiKeyRecord {
  keyHash: string;
  keyId: string;
  tenantId: string;
  scopes: PartnerScope[];
  status: 'active' | 'revoked';
  createdAt: string;
  expiresAt?: string;
}

export async function putApiKey(record: ApiKeyRecord): Promise<void> {
  await getDocumentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.apiKey(record.keyHash), entity: 'APIKEY', ...record },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
  const out = await getDocumentClient().send(new GetCommand({ TableName: tableName(), Key: keys.apiKey(keyHash) }));
  if (!out.Item) return undefined;
  const { keyId, tenantId, scopes, status, createdAt, expiresAt } = out.Item as ApiKeyRecord;
  return { keyHash, keyId, tenantId, scopes, status, createdAt, ...(expiresAt ? { expiresAt } : {}) };
}
