import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from './client.ts';
import { keys } from './keys.ts';

/** Replays are guaranteed for 24 hours; records live three days before TTL may remove them. */
export const IDEMPOTENCY_RETENTION_SECONDS = 3 * 24 * 3600;

export interface IdempotencyRecord {
  tenantId: string;
  idempotencyKey: string;
  requestHash: string;
  operationId: string;
  response: { status: number; body: Record<string, unknown> };
  createdAt: string;
}

export function idempotencyToItem(record: IdempotencyRecord) {
  return {
    ...keys.idempotency(record.tenantId, record.idempotencyKey),
    entity: 'IDEMPOTENCY',
    ...record,
    ttl: Math.floor(Date.parse(record.createdAt) / 1000) + IDEMPOTENCY_RETENTION_SECONDS,
  };
}

export function itemToIdempotency(item: Record<string, unknown>): IdempotencyRecord {
  const { tenantId, idempotencyKey, requestHash, operationId, response, createdAt } = item as unknown as IdempotencyRecord;
  return { tenantId, idempotencyKey, requestHash, operationId, response, createdAt };
}

export async function getIdempotencyRecord(tenantId: string, idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.idempotency(tenantId, idempotencyKey), ConsistentRead: true }),
  );
  return out.Item ? itemToIdempotency(out.Item) : undefined;
}
