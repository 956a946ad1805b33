import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { RedemptionHold } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { itemToRedemption } from './items.ts';
import { keys } from './keys.ts';

/** A two-phase redemption by id (strongly consistent: a commit may follow its hold at once). */
export async function getRedemption(tenantId: string, redemptionId: string): Promise<RedemptionHold | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.redemption(tenantId, redemptionId), ConsistentRead: true }),
  );
  return out.Item ? itemToRedemption(out.Item) : undefined;
}
