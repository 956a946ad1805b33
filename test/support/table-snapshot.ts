import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';

export type TableItem = Record<string, unknown>;

/**
 * Attributes that change on reads by design and carry no ledger or security state: a partner
 * key's `lastUsedAt` is refreshed (at most every 5 minutes) whenever the key authenticates,
 * refused request or not. Everything else must stay byte for byte the same.
 */
const VOLATILE_ATTRIBUTES: Record<string, string[]> = { APIKEY: ['lastUsedAt'] };

/**
 * Every item of the test table (a consistent Scan: fine in tests, never on a request path),
 * sorted by key, volatile attributes dropped. Two snapshots are equal exactly when nothing
 * that matters was written in between.
 */
export async function snapshotTable(): Promise<TableItem[]> {
  const items: TableItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new ScanCommand({ TableName: tableName(), ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items
    .map((item) => {
      const copy = { ...item };
      for (const name of VOLATILE_ATTRIBUTES[String(item.entity)] ?? []) delete copy[name];
      return copy;
    })
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

/** Items a tenant owns: its partitions (`T#<tenant>…`) and its partner keys (stored under their hash). */
export function itemsOfTenant(items: TableItem[], tenantId: string): TableItem[] {
  return items.filter(
    (item) => String(item.PK) === `T#${tenantId}` || String(item.PK).startsWith(`T#${tenantId}#`) || item.tenantId === tenantId,
  );
}

const keyOf = (item: TableItem) => `${String(item.PK)}\u0000${String(item.SK)}`;
