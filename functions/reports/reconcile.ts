import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '../domain/types.ts';
import { getDocumentClient, tableName } from '../store/client.ts';
import { itemToLedgerEntry } from '../store/items.ts';
import { FLOWS, foldEntries, readDailyFlows, readLiability } from './read-model.ts';

export interface ReconcileReport {
  tenantId: string;
  entries: number;
  days: number;
  liabilityKeys: number;
  /** One line per difference: `day 2026-03-10 issued: read model 100, ledger 120`. */
  differences: string[];
}

/**
 * Every points-wallet ledger entry of a tenant, by a Scan of the table filtered to the
 * tenant's account partitions and LEDGER items (an operator script's read, never a request's:
 * there is no cheaper listing of a tenant's accounts). It reads, and pays for, the whole table.
 */
export async function scanTenantLedger(tenantId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new ScanCommand({
        TableName: tableName(),
        ConsistentRead: true,
        FilterExpression: 'begins_with(PK, :prefix) AND entity = :ledger',
        ExpressionAttributeValues: { ':prefix': `T#${tenantId}#A#`, ':ledger': 'LEDGER' },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    entries.push(...(out.Items ?? []).map(itemToLedgerEntry));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return entries;
}

/** The read model against what the tenant's ledger implies: every day's flows and every (month, type) liability. */
export async function reconcileReports(tenantId: string, entries?: LedgerEntry[]): Promise<ReconcileReport> {
  const ledger = entries ?? (await scanTenantLedger(tenantId));
  const expected = foldEntries(ledger);
  const days = await readDailyFlows(tenantId, '0000-01-01', '9999-12-31');
  const liability = await readLiability(tenantId);
  const differences: string[] = [];
  for (const day of [...new Set([...expected.days.keys(), ...days.keys()])].sort()) {
    for (const flow of FLOWS) {
      const model = days.get(day)?.[flow] ?? 0;
      const truth = expected.days.get(day)?.[flow] ?? 0;
      if (model !== truth) differences.push(`day ${day} ${flow}: read model ${model}, ledger ${truth}`);
    }
  }
  for (const key of [...new Set([...expected.liability.keys(), ...liability.keys()])].sort()) {
    const model = liability.get(key) ?? 0;
    const truth = expected.liability.get(key) ?? 0;
    if (model !== truth) differences.push(`liability ${key.replace('#', ' ')}: read model ${model}, ledger ${truth}`);
  }
  return { tenantId, entries: ledger.length, days: expected.days.size, liabilityKeys: expected.liability.size, differences };
}
