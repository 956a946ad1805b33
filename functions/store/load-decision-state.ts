import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyNamespace } from '../domain/idempotency.ts';
import type { Account, OrderRecord } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { itemToIdempotency, type IdempotencyRecord } from './idempotency-record.ts';
import { itemToAccount, itemToOrder } from './items.ts';
import { keys } from './keys.ts';

export interface DecisionState {
  /** The first account asked for (the only one of a one-account command). */
  account?: Account;
  /** Every account asked for, by account id; absent ones do not exist. */
  accounts: Record<string, Account | undefined>;
  order?: OrderRecord;
  idempotency?: IdempotencyRecord;
}

/** One account, or two for a decision that moves points between them. */
export type AccountIds = readonly [string] | readonly [string, string];

export interface DecisionStateKeys {
  tenantId: string;
  accountIds: AccountIds;
  idempotency: { namespace: IdempotencyNamespace; key: string };
  order?: { sourceType: 'purchase'; orderId: string };
}

/**
 * The one strongly consistent read before a commit: the accounts (wallets, lots, locks), the
 * idempotency record and, when the request names one, the order — in one BatchGetItem.
 */
export async function loadDecisionState(k: DecisionStateKeys): Promise<DecisionState> {
  const accountIds = [...new Set(k.accountIds)];
  const wanted = [
    ...accountIds.map((accountId) => keys.account(k.tenantId, accountId)),
    keys.idempotency(k.tenantId, k.idempotency.namespace, k.idempotency.key),
    ...(k.order ? [keys.order(k.tenantId, k.order.sourceType, k.order.orderId)] : []),
  ];
  const table = tableName();
  const found: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] = wanted;
  // Unprocessed keys only appear under throttling; ask again for just those.
  for (let round = 0; pending.length > 0; round += 1) {
    if (round > 5) throw new Error('BatchGetItem kept returning unprocessed keys');
    const out = await getDocumentClient().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
    found.push(...(out.Responses?.[table] ?? []));
    pending = (out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  const accounts: Record<string, Account | undefined> = Object.fromEntries(accountIds.map((id) => [id, undefined]));
  const state: DecisionState = { accounts };
  for (const item of found) {
    if (item.entity === 'ACCOUNT') {
      const account = itemToAccount(item);
      accounts[account.accountId] = account;
    } else if (item.entity === 'ORDER') state.order = itemToOrder(item);
    else if (item.entity === 'IDEMPOTENCY') state.idempotency = itemToIdempotency(item);
  }
  const first = accounts[k.accountIds[0]];
  if (first) state.account = first;
  return state;
}
