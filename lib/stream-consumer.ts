import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';

/**
 * What every consumer of the table's stream shares: the event source mapping's failure handling
 * (partial batch responses, bisect on error, bounded retries, then a DLQ; one batch per shard at
 * a time, as per-account order matters) and the cdk-nag findings its grants raise, each with why.
 */
export function tableStreamSource(table: Table, deadLetters: Queue, filters?: Record<string, unknown>[]): DynamoEventSource {
  return new DynamoEventSource(table, {
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(5),
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    retryAttempts: 5,
    onFailure: new SqsDlq(deadLetters),
    parallelizationFactor: 1,
    ...(filters ? { filters: filters as ReturnType<typeof FilterCriteria.filter>[] } : {}),
  });
}

export const STREAM_CONSUMER_ACKNOWLEDGEMENTS = [
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'dynamodb:ListStreams (added by the DynamoDB event source) and the X-Ray tracing actions support no resource-level permissions.',
  },
  {
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason: "aws-cdk-lib's grant for sending failures to the KMS-encrypted DLQ (SqsDlq); it applies to the one data key only.",
  },
  {
    id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
    reason: "aws-cdk-lib's grant for sending failures to the KMS-encrypted DLQ (SqsDlq); it applies to the one data key only.",
  },
];
