import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../api/http/observability.ts';
import { applyStreamBatch } from '../reports/stream-batch.ts';

/**
 * The DynamoDB stream's second consumer (on AWS its own event source mapping, filtered to
 * ledger INSERTs; offline the local stream poller's fan-out handler, local/stream-consumers.ts):
 * each new points-wallet ledger entry into the reports read model (functions/reports/read-model.ts),
 * once however often it is delivered. Records it could not apply come back in
 * `batchItemFailures` (partial batch responses and bisect-on-error are on), so they are retried
 * and finally reach the DLQ; the reconciliation command finds any gap that leaves.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const result = await applyStreamBatch(event, logger);
  if (result.batchItemFailures.length > 0) {
    logger.warn('reports: records to retry', { failed: result.batchItemFailures.length, records: event.Records.length });
  }
  return { batchItemFailures: result.batchItemFailures };
};
