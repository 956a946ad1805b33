import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { classifyCancellation } from '../domain/idempotency.ts';
import type { WritePlan } from '../domain/plan.ts';
import { getDocumentClient, tableName } from './client.ts';
import { idempotencyToItem, type IdempotencyRecord } from './idempotency-record.ts';
import { accountToItem, ledgerEntryToItem, orderToItem } from './items.ts';

export type CommitOutcome =
  | { ok: true }
  /** Another request with this idempotency key committed first: reload and replay it. */
  | { ok: false; reason: 'idempotency_taken' }
  /** Another request with this idempotency key is committing right now. */
  | { ok: false; reason: 'idempotency_in_flight' }
  /** Something the decision read has changed since: reload and decide again. */
  | { ok: false; reason: 'stale' };

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function versionedPut(item: Record<string, unknown>, expectedVersion: number | null): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: item,
      ...(expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
    },
  };
}

/**
 * Commits a decision as one TransactWriteItems: the idempotency record first, then the
 * account (its version is the guard for wallets, lots and locks), the ledger entries (never
 * overwritten) and the order. Any condition failing cancels all of it.
 */
export async function commitPlan(plan: WritePlan, idempotency: IdempotencyRecord): Promise<CommitOutcome> {
  const table = tableName();
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table,
        Item: idempotencyToItem(idempotency),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    versionedPut(accountToItem(plan.account.next), plan.account.expectedVersion),
    ...plan.entries.map(
      (entry): TransactItem => ({
        Put: { TableName: table, Item: ledgerEntryToItem(entry), ConditionExpression: 'attribute_not_exists(PK)' },
      }),
    ),
    ...(plan.order ? [versionedPut(orderToItem(plan.order.next), plan.order.expectedVersion)] : []),
  ];
  try {
    await getDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return { ok: true };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException) && (error as Error).name !== 'TransactionCanceledException') {
      throw error;
    }
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    const outcome = classifyCancellation(reasons.map((reason) => reason.Code));
    if (outcome === 'unexpected') throw error;
    return { ok: false, reason: outcome };
  }
}
