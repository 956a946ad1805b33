import type { WritePlan } from '../domain/plan.ts';
import { tableName } from './client.ts';
import type { IdempotencyRecord } from './idempotency-record.ts';
import { accountToItem, ledgerEntryToItem, orderToItem } from './items.ts';
import { commitWithIdempotency, versionedPut, type CommitOutcome, type TransactItem } from './transact.ts';

export type { CommitOutcome } from './transact.ts';

/**
 * Commits a decision as one TransactWriteItems: the idempotency record, the account (its
 * version guards wallets, lots and locks), the ledger entries (never overwritten) and the
 * order. Any condition failing cancels all of it.
 */
export function commitPlan(plan: WritePlan, idempotency: IdempotencyRecord): Promise<CommitOutcome> {
  const table = tableName();
  const items: TransactItem[] = [
    versionedPut(accountToItem(plan.account.next), plan.account.expectedVersion),
    ...plan.entries.map(
      (entry): TransactItem => ({
        Put: { TableName: table, Item: ledgerEntryToItem(entry), ConditionExpression: 'attribute_not_exists(PK)' },
      }),
    ),
    ...(plan.order ? [versionedPut(orderToItem(plan.order.next), plan.order.expectedVersion)] : []),
  ];
  return commitWithIdempotency(idempotency, items);
}
