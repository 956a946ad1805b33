import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountEvent } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { itemToAccountEvent } from './items.ts';
import { ACCOUNT_EVENT_PREFIX, accountEventSeqKey, accountPartition } from './keys.ts';

/** Events one ledger page shows at most; operators act on an account far more rarely than this. */
export const EVENTS_PER_PAGE = 100;

/**
 * An account's events that followed points entries `fromSeq` to `toSeq` (either end open),
 * newest first: the ones a ledger page of those entries shows between them.
 */
export async function queryAccountEvents(
  tenantId: string,
  accountId: string,
  range: { fromSeq?: number; toSeq?: number },
): Promise<AccountEvent[]> {
  const out = await getDocumentClient().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
      ExpressionAttributeValues: {
        ':pk': accountPartition(tenantId, accountId),
        ':low': range.fromSeq === undefined ? ACCOUNT_EVENT_PREFIX : accountEventSeqKey(range.fromSeq),
        ':high': range.toSeq === undefined ? `${ACCOUNT_EVENT_PREFIX}~` : `${accountEventSeqKey(range.toSeq)}#~`,
      },
      ScanIndexForward: false,
      Limit: EVENTS_PER_PAGE,
    }),
  );
  return (out.Items ?? []).map(itemToAccountEvent);
}
