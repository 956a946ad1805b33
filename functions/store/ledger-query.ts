import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry, LedgerEntryType, WalletName } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { itemToLedgerEntry } from './items.ts';
import { accountPartition, ledgerPrefix, ledgerSortKey } from './keys.ts';

export interface LedgerPageRequest {
  tenantId: string;
  accountId: string;
  wallet: WalletName;
  type?: LedgerEntryType;
  from?: string;
  to?: string;
  limit: number;
  /** Sequence number to continue below (exclusive), from the previous page's cursor. */
  beforeSeq?: number;
}

/**
 * Newest first, one partition: a Query on the account's ledger, never a scan. Filters apply
 * after DynamoDB's own page limit, so it keeps querying until the page is full or the
 * ledger ends.
 */
export async function queryLedgerPage(req: LedgerPageRequest): Promise<{ entries: LedgerEntry[]; more: boolean }> {
  const filters: string[] = [];
  const values: Record<string, unknown> = {
    ':pk': accountPartition(req.tenantId, req.accountId),
    ':low': ledgerPrefix(req.wallet),
    ':high': req.beforeSeq !== undefined ? ledgerSortKey(req.wallet, req.beforeSeq - 1) : `${ledgerPrefix(req.wallet)}~`,
  };
  const names: Record<string, string> = {};
  if (req.type) {
    filters.push('#type = :type');
    names['#type'] = 'type';
    values[':type'] = req.type;
  }
  if (req.from) {
    filters.push('createdAt >= :from');
    values[':from'] = req.from;
  }
  if (req.to) {
    filters.push('createdAt < :to');
    values[':to'] = req.to;
  }
  const { entries, exhausted } = await queryLedgerItems(
    {
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: req.limit + 1,
    },
    (found) => found > req.limit,
  );
  return { entries: entries.slice(0, req.limit), more: entries.length > req.limit || !exhausted };
}

/** The highest sequence number the sort key can hold (12 digits). */
export const MAX_LEDGER_SEQ = 999_999_999_999;

/** A wallet's entries with sequence numbers in [fromSeq, toSeq], oldest first, strongly consistent. */
export async function readLedgerRange(req: {
  tenantId: string;
  accountId: string;
  wallet: WalletName;
  fromSeq: number;
  toSeq: number;
}): Promise<LedgerEntry[]> {
  const { entries } = await queryLedgerItems({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
    ExpressionAttributeValues: {
      ':pk': accountPartition(req.tenantId, req.accountId),
      ':low': ledgerSortKey(req.wallet, req.fromSeq),
      ':high': ledgerSortKey(req.wallet, req.toSeq),
    },
    ConsistentRead: true,
  });
  return entries;
}

/** Follows a ledger Query page by page until `enough` is satisfied or the range ends. */
async function queryLedgerItems(
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  enough: (found: number) => boolean = () => false,
): Promise<{ entries: LedgerEntry[]; exhausted: boolean }> {
  const entries: LedgerEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new QueryCommand({ ...input, TableName: tableName(), ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    entries.push(...(out.Items ?? []).map(itemToLedgerEntry));
    startKey = out.LastEvaluatedKey;
  } while (startKey && !enough(entries.length));
  return { entries, exhausted: startKey === undefined };
}
