import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PartnerScope } from '../domain/vocabulary.ts';
import { getDocumentClient, tableName } from './client.ts';
import { keys } from './keys.ts';
import type { TransactItem } from './transact.ts';

/**
 * A partner key as stored: only its keyed hash, never the key. The item under the hash is
 * the one source of truth (the authorizer reads it); a small index item per tenant lets
 * operators list and address keys by id.
 */
export interface ApiKeyRecord {
  keyHash: string;
  keyId: string;
  tenantId: string;
  scopes: PartnerScope[];
  status: 'active' | 'revoked';
  createdAt: string;
  label?: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
  revokeReason?: string;
}

/** lastUsedAt is refreshed at most this often, so a busy key does not cost a write per call. */
const LAST_USED_RESOLUTION_MS = 5 * 60_000;

const FIELDS: (keyof ApiKeyRecord)[] = [
  'keyHash',
  'keyId',
  'tenantId',
  'scopes',
  'status',
  'createdAt',
  'label',
  'expiresAt',
  'lastUsedAt',
  'revokedAt',
  'revokeReason',
];

function itemToRecord(item: Record<string, unknown>): ApiKeyRecord {
  const record: Record<string, unknown> = {};
  for (const field of FIELDS) if (item[field] !== undefined) record[field] = item[field];
  return record as unknown as ApiKeyRecord;
}

export function newApiKeyItems(record: ApiKeyRecord): TransactItem[] {
  const table = tableName();
  return [
    {
      Put: {
        TableName: table,
        Item: { ...keys.apiKey(record.keyHash), entity: 'APIKEY', ...record },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Put: {
        TableName: table,
        Item: { ...keys.apiKeyIndex(record.tenantId, record.keyId), entity: 'APIKEY_INDEX', keyId: record.keyId, keyHash: record.keyHash },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
}

/** Revokes a live key of the tenant; refused by the database if it is no longer live. */
export function revokeApiKeyItem(record: ApiKeyRecord, reason: string, now: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.apiKey(record.keyHash),
      UpdateExpression: 'SET #status = :revoked, revokedAt = :now, revokeReason = :reason',
      ConditionExpression: '#status = :active AND tenantId = :tenant',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':revoked': 'revoked', ':active': 'active', ':now': now, ':reason': reason, ':tenant': record.tenantId },
    },
  };
}

/** Shortens a live key's life (rotation overlap); never extends it. */
export function expireApiKeyItem(record: ApiKeyRecord, expiresAt: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.apiKey(record.keyHash),
      UpdateExpression: 'SET expiresAt = :expiresAt',
      ConditionExpression: '#status = :active AND tenantId = :tenant AND (attribute_not_exists(expiresAt) OR expiresAt > :expiresAt)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':expiresAt': expiresAt, ':active': 'active', ':tenant': record.tenantId },
    },
  };
}

export async function getApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
  const out = await getDocumentClient().send(new GetCommand({ TableName: tableName(), Key: keys.apiKey(keyHash) }));
  return out.Item ? itemToRecord(out.Item) : undefined;
}

export async function getApiKeyById(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
  const index = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.apiKeyIndex(tenantId, keyId), ConsistentRead: true }),
  );
  const keyHash = index.Item?.keyHash as string | undefined;
  if (!keyHash) return undefined;
  const out = await getDocumentClient().send(new GetCommand({ TableName: tableName(), Key: keys.apiKey(keyHash), ConsistentRead: true }));
  return out.Item ? itemToRecord(out.Item) : undefined;
}

/** Most keys one page may hold: one BatchGetItem of the key items. */
export const API_KEY_PAGE_MAX = 100;

/**
 * One page of a tenant's keys in key id order (the index items' sort order), after
 * `afterKeyId` when given. Reads at most `limit` + 1 index items and `limit` key items, so a
 * tenant with thousands of keys costs the same per page as one with a handful.
 */
export async function listApiKeys(
  tenantId: string,
  page: { limit: number; afterKeyId?: string } = { limit: API_KEY_PAGE_MAX },
): Promise<{ keys: ApiKeyRecord[]; nextKeyId?: string }> {
  const limit = Math.min(Math.max(page.limit, 1), API_KEY_PAGE_MAX);
  const table = tableName();
  const index = await getDocumentClient().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.apiKeyIndex(tenantId, '').PK },
      ConsistentRead: true,
      // One more than the page, so the last page is known to be last without another call.
      Limit: limit + 1,
      ...(page.afterKeyId ? { ExclusiveStartKey: keys.apiKeyIndex(tenantId, page.afterKeyId) } : {}),
    }),
  );
  const items = index.Items ?? [];
  const hashes = items.slice(0, limit).map((item) => item.keyHash as string);
  const byHash = new Map((await batchGetKeys(hashes)).map((record) => [record.keyHash, record]));
  const records = hashes.flatMap((hash) => byHash.get(hash) ?? []);
  const more = items.length > limit;
  return { keys: records, ...(more ? { nextKeyId: items[limit - 1]!.keyId as string } : {}) };
}

/** Every key of a tenant, page by page: for local tools, never for a request path. */
export async function listAllApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
  const all: ApiKeyRecord[] = [];
  let afterKeyId: string | undefined;
  do {
    const page = await listApiKeys(tenantId, { limit: API_KEY_PAGE_MAX, ...(afterKeyId ? { afterKeyId } : {}) });
    all.push(...page.keys);
    afterKeyId = page.nextKeyId;
  } while (afterKeyId);
  return all;
}

/** Key items by hash, strongly consistent; keys DynamoDB leaves unprocessed are asked again. */
async function batchGetKeys(hashes: string[]): Promise<ApiKeyRecord[]> {
  const table = tableName();
  const records: ApiKeyRecord[] = [];
  let pending: Record<string, unknown>[] = hashes.map((hash) => keys.apiKey(hash));
  while (pending.length > 0) {
    const out = await getDocumentClient().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
    records.push(...(out.Responses?.[table] ?? []).map(itemToRecord));
    pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
  }
  return records;
}

/** Best effort: a lost update only makes lastUsedAt a few minutes older. */
export async function touchApiKeyLastUsed(keyHash: string, now: Date): Promise<void> {
  try {
    await getDocumentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.apiKey(keyHash),
        UpdateExpression: 'SET lastUsedAt = :now',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :cutoff)',
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':cutoff': new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString(),
        },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}
