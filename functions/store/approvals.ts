import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ApprovalRequest, ApprovalStatus } from '../domain/approvals.ts';
import { getDocumentClient, tableName } from './client.ts';
import { batchGet } from './lot-pages.ts';
import { TABLE_KEYS } from './table-definition.ts';
import { versionedPut, type TransactItem } from './transact.ts';

/**
 * Approval requests: one item each (`T#t#APPROVAL#id`), and one pointer per request in its
 * status's list (`T#t#APPROVALS#pending`, sorted by request time), moved in the same
 * transaction as the status changes. Listing a status reads its pointers and then the items:
 * bounded by the page size, never by how many requests the tenant has ever had.
 */

type Item = Record<string, unknown>;

export const approvalKeys = {
  item: (tenantId: string, approvalId: string) => ({ PK: `T#${tenantId}#APPROVAL#${approvalId}`, SK: 'APPROVAL' }),
  /** The workflow's callback token while it waits for the decision, beside the request. */
  taskToken: (tenantId: string, approvalId: string) => ({ PK: `T#${tenantId}#APPROVAL#${approvalId}`, SK: 'TASK_TOKEN' }),
  pointer: (tenantId: string, status: ApprovalStatus, requestedAt: string, approvalId: string) => ({
    PK: `T#${tenantId}#APPROVALS#${status}`,
    SK: `${requestedAt}#${approvalId}`,
  }),
};

export function approvalToItem(request: ApprovalRequest): Item {
  return { ...approvalKeys.item(request.tenantId, request.approvalId), entity: 'APPROVAL', ...request };
}

export function itemToApproval(item: Item): ApprovalRequest {
  const { PK: _pk, SK: _sk, entity: _entity, ...request } = item;
  return request as unknown as ApprovalRequest;
}

function pointerItem(request: ApprovalRequest): Item {
  const key = approvalKeys.pointer(request.tenantId, request.status, request.requestedAt, request.approvalId);
  return { ...key, entity: 'APPROVAL_POINTER', approvalId: request.approvalId };
}

/** The writes that store a change of a request: the item guarded by the version read, and its pointer moved when the status changed. */
export function approvalWrites(next: ApprovalRequest, before: ApprovalRequest | undefined): TransactItem[] {
  const table = tableName();
  const writes: TransactItem[] = [versionedPut(approvalToItem(next), before ? before.version : null)];
  if (before?.status === next.status) return writes;
  if (before) {
    const old = approvalKeys.pointer(before.tenantId, before.status, before.requestedAt, before.approvalId);
    writes.push({ Delete: { TableName: table, Key: old } });
  }
  writes.push({ Put: { TableName: table, Item: pointerItem(next) } });
  return writes;
}

export async function getApproval(tenantId: string, approvalId: string): Promise<ApprovalRequest | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: approvalKeys.item(tenantId, approvalId), ConsistentRead: true }),
  );
  return out.Item ? itemToApproval(out.Item) : undefined;
}

/** One page of a status's requests, oldest first, and where the next page starts. */
export async function listApprovals(
  tenantId: string,
  status: ApprovalStatus,
  page: { limit: number; after?: string },
): Promise<{ items: ApprovalRequest[]; next?: string }> {
  const table = tableName();
  const out = await getDocumentClient().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: page.after ? 'PK = :pk AND SK > :after' : 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `T#${tenantId}#APPROVALS#${status}`, ...(page.after ? { ':after': page.after } : {}) },
      Limit: page.limit,
      ConsistentRead: true,
    }),
  );
  const pointers = out.Items ?? [];
  if (pointers.length === 0) return { items: [] };
  const found = await batchGet(pointers.map((pointer) => approvalKeys.item(tenantId, pointer.approvalId as string)));
  const byId = new Map(found.map((item) => [item.approvalId as string, itemToApproval(item)]));
  const items = pointers.flatMap((pointer) => byId.get(pointer.approvalId as string) ?? []);
  const last = pointers.at(-1)?.SK as string | undefined;
  return { items, ...(out.LastEvaluatedKey && last ? { next: last } : {}) };
}

/** A callback token outlives no wait: kept a day past the longest one, then removed by TTL. */
const TOKEN_TTL_SECONDS = 22 * 86_400;

/** Stores the token the waiting workflow step will be completed with; the latest token wins (a retried step gets a new one). */
export async function putTaskToken(tenantId: string, approvalId: string, taskToken: string, now: Date): Promise<void> {
  await getDocumentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...approvalKeys.taskToken(tenantId, approvalId),
        entity: 'APPROVAL_TASK',
        taskToken,
        storedAt: now.toISOString(),
        [TABLE_KEYS.ttlAttribute]: Math.floor(now.getTime() / 1000) + TOKEN_TTL_SECONDS,
      },
    }),
  );
}

export async function getTaskToken(tenantId: string, approvalId: string): Promise<string | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: approvalKeys.taskToken(tenantId, approvalId), ConsistentRead: true }),
  );
  return out.Item?.taskToken as string | undefined;
}
