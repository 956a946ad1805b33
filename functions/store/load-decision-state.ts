import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Account, OrderRecord } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { itemToIdempotency, type IdempotencyRecord } from './idempotency-record.ts';
import { itemToAccount, itemToOrder } from './items.ts';
import { keys } from './keys.ts';

export interface DecisionState {
  account?: Account;
  order?: OrderRecord;
  idempotency?: IdempotencyRecord;
}

export interface DecisionStateKeys {
  tenantId: string;
  accountId: string;
  idempotencyKey: string;
  order?: { sourceType: 'purchase'; orderId: string };
}

/**
 * The one strongly consistent read before a commit: the account (wallets, lots, locks), the
 * idempotency record and, when the request names one, the order — in one BatchGetItem.
 */
export async function loadDecisionState(k: DecisionStateKeys): Promise<DecisionState> {
  const wanted = [
    keys.account(k.tenantId, k.accountId),
    keys.idempotency(k.tenantId, k.idempotencyKey),
    ...(k.order ? [keys.order(k.tenantId, k.order.sourceType, k.order.orderId)] : []),
  ];
  const table = tableName();
  const found: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] = wanted;
  // Unprocessed keys only appear under throttling; ask again for just those.
  for (let round = 0; pending.length > 0; round += 1) {
    if (round > 5) throw new Error('BatchGetItem kept returning unprocessed keys');
    const out = await getDocumentClient().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    found.push(...(out.Responses?.[table] ?? []));
    pending = (out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  const state: DecisionState = {};
  for (const item of found) {
    if (item.entity === 'ACCOUNT') state.account = itemToAccount(item);
    else if (item.entity === 'ORDER') state.order = itemToOrder(item);
    else if (item.entity === 'IDEMPOTENCY') state.idempotency = itemToIdempotency(item);
  }
  return state;
}
