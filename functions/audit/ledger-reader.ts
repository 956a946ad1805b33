import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry, WalletName } from '../domain/types.ts';
import { getDocumentClient, tableName } from '../store/client.ts';
import { itemToLedgerEntry } from '../store/items.ts';
import { accountPartition, ledgerSortKey } from '../store/keys.ts';
import type { LedgerReader } from './seal.ts';

/**
 * The sealer's way back to the source: a wallet's entries by sequence range, one Query on the
 * account's partition (ledger items carry no TTL, so they stay in the table, hot, for at least
 * the 120 days before exports go cold, in fact for good).
 */
export const readLedgerRange: LedgerReader = async ({ tenantId, accountId, wallet, fromSeq, toSeq }) => {
  const entries: LedgerEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
        ExpressionAttributeValues: {
          ':pk': accountPartition(tenantId, accountId),
          ':low': ledgerSortKey(wallet as WalletName, fromSeq),
          ':high': ledgerSortKey(wallet as WalletName, toSeq),
        },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    entries.push(...(out.Items ?? []).map(itemToLedgerEntry));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return entries;
};
