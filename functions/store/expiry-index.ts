import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from './client.ts';
import { EXPIRY_SHARDS } from './keys.ts';
import { TABLE_KEYS } from './table-definition.ts';

/** One lot page the expiry index names: its earliest lot expires at `expiresAt`. */
export interface DuePage {
  accountId: string;
  month: string;
  expiresAt: string;
}

export interface DuePagesPage {
  items: DuePage[];
  next?: Record<string, unknown>;
}

/**
 * One page of a (tenant, UTC day, shard) partition of the expiry index: lot pages whose
 * earliest lot expires at or before `asOf`, earliest first. A Query of the sparse index,
 * never a scan; the index is eventually consistent, so a hit is only a lead (the command
 * reads the page strongly and finds nothing due if it moved).
 */
export async function queryDuePages(
  tenantId: string,
  day: string,
  shard: number,
  asOf: string,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<DuePagesPage> {
  const { name, partitionKey, sortKey } = TABLE_KEYS.expiryIndex;
  const out = await getDocumentClient().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: name,
      KeyConditionExpression: '#pk = :pk AND #sk < :bound',
      ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
      // '$' sorts after '#': every key of an instant at or before asOf.
      ExpressionAttributeValues: { ':pk': `EXPIRY#${tenantId}#${day}#${shard}`, ':bound': `${asOf}$` },
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  const items = (out.Items ?? []).map((item): DuePage => {
    const [expiresAt, accountId, month] = splitSortKey(item[sortKey] as string);
    return { accountId, month, expiresAt };
  });
  return { items, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
}

/** `${expiresAt}#${accountId}#${month}`: the account id may itself hold '#'. */
function splitSortKey(key: string): [string, string, string] {
  const first = key.indexOf('#');
  const last = key.lastIndexOf('#');
  return [key.slice(0, first), key.slice(first + 1, last), key.slice(last + 1)];
}

export const EXPIRY_SHARD_IDS = Array.from({ length: EXPIRY_SHARDS }, (_, i) => i);

/** Where a tenant's sweeps have reached: every day before `nextDay` has nothing left due. */
const sweepKey = (tenantId: string) => ({ PK: `T#${tenantId}`, SK: 'EXPIRY_SWEEP' });

export async function getSweepMark(tenantId: string): Promise<string | undefined> {
  const out = await getDocumentClient().send(new GetCommand({ TableName: tableName(), Key: sweepKey(tenantId), ConsistentRead: true }));
  return out.Item?.nextDay as string | undefined;
}

/** Moves the mark forward only (two sweeps racing never move it back). */
export async function advanceSweepMark(tenantId: string, nextDay: string, at: string): Promise<void> {
  try {
    await getDocumentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...sweepKey(tenantId), entity: 'EXPIRY_SWEEP', nextDay, at },
        ConditionExpression: 'attribute_not_exists(PK) OR nextDay < :next',
        ExpressionAttributeValues: { ':next': nextDay },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** Tenant items carry this index key: the sweep lists tenants by a Query, not a scan. */
export const TENANT_DIRECTORY_PK = 'TENANTS';

export async function listTenantIds(): Promise<string[]> {
  const { name, partitionKey, sortKey } = TABLE_KEYS.expiryIndex;
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': TENANT_DIRECTORY_PK },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    ids.push(...(out.Items ?? []).map((item) => item[sortKey] as string));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return ids;
}
