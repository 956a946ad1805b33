import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * The DynamoDB stream's consumer: it will write every ledger and audit record to the audit
 * bucket (AUDIT_BUCKET) as compressed JSON Lines with per-day manifests. Issue 5 fills it in;
 * this shell exists so the event source mapping, its DLQ and its alarms deploy and can be
 * tested now. It reports no failures, so records pass through unexported until then.
 *
 * The contract it must keep: return the sequence numbers of the records it could not export
 * in `batchItemFailures` (the mapping has partial batch responses and bisect-on-error on), so
 * one bad record is retried alone and finally lands in the DLQ instead of blocking its shard.
 */
export const handler = async (_event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => ({ batchItemFailures: [] });
