import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { classifyCancellation } from './cancellation.ts';
import { getDocumentClient, tableName } from './client.ts';
import { idempotencyToItem, type IdempotencyRecord } from './idempotency-record.ts';
import { isItemTooLarge } from './item-too-large.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export type CommitOutcome =
  | { ok: true }
  /** Another request with this idempotency key committed first: reload and replay it. */
  | { ok: false; reason: 'idempotency_taken' }
  /** Another request with this idempotency key is committing right now. */
  | { ok: false; reason: 'idempotency_in_flight' }
  /** Something the decision read has changed since: reload and decide again. */
  | { ok: false; reason: 'stale' }
  /** DynamoDB refused an item for its size; nothing was written. */
  | { ok: false; reason: 'too_large' };

/**
 * One TransactWriteItems with the idempotency record as its first action, so a request's
 * effects and the record that replays its answer are committed together or not at all.
 */
export async function commitWithIdempotency(record: IdempotencyRecord, items: TransactItem[]): Promise<CommitOutcome> {
  const transactItems: TransactItem[] = [
    { Put: { TableName: tableName(), Item: idempotencyToItem(record), ConditionExpression: 'attribute_not_exists(PK)' } },
    ...items,
  ];
  try {
    await getDocumentClient().send(new TransactWriteCommand({ TransactItems: transactItems }));
    return { ok: true };
  } catch (error) {
    if (isItemTooLarge(error)) return { ok: false, reason: 'too_large' };
    if (!(error instanceof TransactionCanceledException) && (error as Error).name !== 'TransactionCanceledException') {
      throw error;
    }
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    const outcome = classifyCancellation(reasons.map((reason) => reason.Code));
    if (outcome === 'unexpected') throw error;
    return { ok: false, reason: outcome };
  }
}

/** A Put that succeeds only on the version the decision read (null: the item must be new). */
export function versionedPut(item: Record<string, unknown>, expectedVersion: number | null): TransactItem {
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
