import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../api/http/observability.ts';
import { exportStreamBatch } from '../audit/export-batch.ts';
import { AUDIT_METRICS } from '../audit/metrics.ts';
import { s3ObjectStore } from '../audit/s3-objects.ts';
import { auditBucketConfig } from '../config/audit-bucket.ts';
import { observabilityConfig } from '../config/observability.ts';

const metrics = new Metrics({
  namespace: AUDIT_METRICS.namespace,
  serviceName: AUDIT_METRICS.service,
  defaultDimensions: { stage: observabilityConfig.STAGE },
});

/**
 * The DynamoDB stream's consumer (on AWS through the event source mapping, offline through
 * `local/stream-poller.ts`, with the same events): every ledger entry and audit record to the
 * audit bucket (AUDIT_BUCKET) as gzip JSON Lines under incoming/, by tenant and UTC day. The
 * sealing job (`functions/scheduled/seal-audit-days.ts`) turns a closed day into its export
 * and manifest. Records it could not write come back in `batchItemFailures` (partial batch
 * responses and bisect-on-error are on), so they are retried and finally reach the DLQ.
 * A MODIFY or REMOVE of a ledger entry is exported as a tamper event, logged as an error and
 * counted in the LedgerEntriesModified metric, which alarms.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const result = await exportStreamBatch(event, { store: s3ObjectStore(auditBucketConfig.AUDIT_BUCKET), log: logger });
  if (result.tamperEvents.length > 0) {
    metrics.addMetric(AUDIT_METRICS.ledgerTamper, MetricUnit.Count, result.tamperEvents.length);
    metrics.publishStoredMetrics();
  }
  if (result.batchItemFailures.length > 0) {
    logger.warn('audit export: records to retry', { failed: result.batchItemFailures.length, records: event.Records.length });
  }
  return { batchItemFailures: result.batchItemFailures };
};
