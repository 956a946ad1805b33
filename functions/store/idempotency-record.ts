import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyNamespace } from '../domain/idempotency.ts';
import type { ResultEffect } from '../domain/plan.ts';
import { getDocumentClient, tableName } from './client.ts';
import { keys } from './keys.ts';

/** Replays are guaranteed for 24 hours; records live three days before TTL may remove them. */
export const IDEMPOTENCY_RETENTION_SECONDS = 3 * 24 * 3600;

/**
 * A committed command's answer as it was given: its effect and the exact JSON text of its
 * body. Stored as a string, not a map (DynamoDB maps do not keep member order), so a replay
 * answers the same bytes.
 */
export interface StoredResult {
  effect: ResultEffect;
  bodyJson: string;
}

export interface IdempotencyRecord {
  tenantId: string;
  namespace: IdempotencyNamespace;
  idempotencyKey: string;
  requestHash: string;
  operationId: string;
  result: StoredResult;
  createdAt: string;
}

export function idempotencyToItem(record: IdempotencyRecord) {
  const { result, ...rest } = record;
  return {
    ...keys.idempotency(record.tenantId, record.namespace, record.idempotencyKey),
    entity: 'IDEMPOTENCY',
    ...rest,
    effect: result.effect,
    bodyJson: result.bodyJson,
    ttl: Math.floor(Date.parse(record.createdAt) / 1000) + IDEMPOTENCY_RETENTION_SECONDS,
  };
}

/** Records written before answers were kept as text held `response: { status, body }`: still readable. */
interface LegacyResponse {
  status: number;
  body: Record<string, unknown>;
}

export function itemToIdempotency(item: Record<string, unknown>): IdempotencyRecord {
  const { tenantId, idempotencyKey, requestHash, operationId, createdAt } = item as unknown as IdempotencyRecord;
  const legacy = item.response as LegacyResponse | undefined;
  const result: StoredResult =
    typeof item.bodyJson === 'string'
      ? { effect: item.effect as ResultEffect, bodyJson: item.bodyJson }
      : { effect: legacy?.status === 200 ? 'updated' : 'created', bodyJson: JSON.stringify(legacy?.body ?? {}) };
  const namespace = (item.namespace as IdempotencyNamespace | undefined) ?? 'partner';
  return { tenantId, namespace, idempotencyKey, requestHash, operationId, result, createdAt };
}

export async function getIdempotencyRecord(
  tenantId: string,
  namespace: IdempotencyNamespace,
  idempotencyKey: string,
): Promise<IdempotencyRecord | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.idempotency(tenantId, namespace, idempotencyKey), ConsistentRead: true }),
  );
  return out.Item ? itemToIdempotency(out.Item) : undefined;
}
