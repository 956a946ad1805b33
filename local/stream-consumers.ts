import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamHandler } from './stream-poller.ts';

/**
 * Offline, one stream poller feeds every consumer the deployed stage has (on AWS each has its
 * own event source mapping on the same stream): each handler gets the same batch, and their
 * partial batch responses are merged, so a record failed by either is redelivered to all of
 * them. That is safe because every consumer is idempotent under redelivery (the audit export
 * by record id, the reports read model by its markers). A handler that throws fails the batch.
 */
export function fanOut(handlers: StreamHandler[]): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  return async (event) => {
    const responses = await Promise.all(handlers.map((handler) => handler(event)));
    const failed = new Set<string>();
    for (const response of responses) for (const failure of response?.batchItemFailures ?? []) failed.add(failure.itemIdentifier);
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
