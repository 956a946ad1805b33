import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Account } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { itemToAccount } from './items.ts';
import { keys } from './keys.ts';

/** Strongly consistent: a partner reading right after a write sees it. */
export async function getAccount(tenantId: string, accountId: string): Promise<Account | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.account(tenantId, accountId), ConsistentRead: true }),
  );
  return out.Item ? itemToAccount(out.Item) : undefined;
}
