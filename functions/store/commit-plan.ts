import type { AccountWrite, WritePlan } from '../domain/plan.ts';
import { approvalWrites } from './approvals.ts';
import { tableName } from './client.ts';
import type { IdempotencyRecord } from './idempotency-record.ts';
import { accountEventToItem, accountToItem, ledgerEntryToItem, orderToItem, pageToItem, redemptionToItem } from './items.ts';
import { accountPartition, keys } from './keys.ts';
import { commitWithIdempotency, versionedPut, type CommitOutcome, type TransactItem } from './transact.ts';

export type { CommitOutcome } from './transact.ts';

/**
 * Commits a decision as one TransactWriteItems: the idempotency record, the accounts (each
 * version guards its wallets, page summary and locks) with the lot pages they change (each
 * guarded by its own version), the ledger entries and account events (never overwritten) and
 * the order. Any condition failing cancels all of it. Accounts go in key order, so two decisions
 * over the same pair (opposite transfers) always name them in the same order.
 */
export function commitPlan(plan: WritePlan, idempotency: IdempotencyRecord): Promise<CommitOutcome> {
  const table = tableName();
  const items: TransactItem[] = [
    ...inKeyOrder(plan.accounts).flatMap((write) => [versionedPut(accountToItem(write.next), write.expectedVersion), ...pageItems(write)]),
    ...plan.entries.map(
      (entry): TransactItem => ({
        Put: { TableName: table, Item: ledgerEntryToItem(entry), ConditionExpression: 'attribute_not_exists(PK)' },
      }),
    ),
    ...(plan.order ? [versionedPut(orderToItem(plan.order.next), plan.order.expectedVersion)] : []),
    ...(plan.redemption ? [versionedPut(redemptionToItem(plan.redemption.next), plan.redemption.expectedVersion)] : []),
    ...(plan.events ?? []).map(
      (event): TransactItem => ({
        Put: { TableName: table, Item: accountEventToItem(event), ConditionExpression: 'attribute_not_exists(PK)' },
      }),
    ),
    ...(plan.approval ? approvalWrites(plan.approval.next, plan.approval.before) : []),
  ];
  return commitWithIdempotency(idempotency, items);
}

/** Each changed lot page, guarded by its own version; a page left empty is deleted. */
function pageItems(write: AccountWrite): TransactItem[] {
  const { tenantId, accountId } = write.next;
  return (write.pages ?? []).map((page): TransactItem => {
    if (page.lots.length > 0) return versionedPut(pageToItem(tenantId, accountId, page), page.expectedVersion);
    return {
      Delete: {
        TableName: tableName(),
        Key: keys.lotPage(tenantId, accountId, 'points', page.month),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': page.expectedVersion },
      },
    };
  });
}

export function inKeyOrder(writes: AccountWrite[]): AccountWrite[] {
  const keyOf = (write: AccountWrite) => accountPartition(write.next.tenantId, write.next.accountId);
  const seen = new Set(writes.map(keyOf));
  // One transaction may name an item once; a decision naming an account twice is a bug.
  if (seen.size !== writes.length) throw new Error('A plan writes the same account twice');
  return [...writes].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}
