import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INCOMING_ROOT, PENDING_ROOT } from '../functions/audit/layout.ts';
import { ApiFunction } from './api-function.ts';
import { logicalIdOf } from './logical-id.ts';
import { STREAM_CONSUMER_ACKNOWLEDGEMENTS, tableStreamSource } from './stream-consumer.ts';
import type { StageConfig } from './stage.ts';

export interface StreamExporterProps {
  stage: StageConfig;
  /** The stream consumer's module, relative to the repository root. */
  handler: string;
  table: Table;
  bucket: Bucket;
  encryptionKey: IKey;
}

/**
 * The table's stream feeding the audit exporter. A record the exporter cannot handle is
 * reported alone (partial batch response), its batch split to isolate it (bisect on error),
 * retried a bounded number of times, and then its pointer goes to the DLQ, so one poison
 * record never blocks the records behind it for the stream's 24-hour life.
 */
export class StreamExporter extends Construct {
  readonly handler: ApiFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: StreamExporterProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      // 14 days (the maximum) to replay failures; stream records themselves last 24 hours.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the stream event source mapping's on-failure destination (a DLQ itself); nothing consumes it automatically.",
    });

    this.handler = new ApiFunction(this, 'Handler', {
      stage: props.stage,
      entry: props.handler,
      description: 'audit exporter (DynamoDB stream to S3)',
      // Stream read permission comes with the event source; the exporter never touches the table.
      tableAccess: 'none',
      table: props.table,
      environment: { AUDIT_BUCKET: props.bucket.bucketName },
      memorySize: 512,
      timeout: Duration.minutes(1),
    });
    // PutObject under incoming/ and its pending/ markers only: no delete, no retention or
    // legal-hold changes, no reads. The AuditSeal workflow turns incoming/ into exports/.
    this.handler.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${INCOMING_ROOT}*`), props.bucket.arnForObjects(`${PENDING_ROOT}*`)],
      }),
    );
    props.encryptionKey.grant(this.handler.function, 'kms:GenerateDataKey');
    Validations.of(this.handler).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.bucket)}.Arn>/${INCOMING_ROOT}*]`,
        reason: 'The exporter creates new objects (per day, tenant and batch) under incoming/ only; their keys are not known in advance.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.bucket)}.Arn>/${PENDING_ROOT}*]`,
        reason: 'The exporter marks each tenant-day it wrote (an empty object under pending/) so only changed days are sealed.',
      },
      ...STREAM_CONSUMER_ACKNOWLEDGEMENTS,
    );

    // One batch per shard at a time: per-account ordering matters to the hash-chain export.
    this.handler.function.addEventSource(tableStreamSource(props.table, this.deadLetters));
  }
}
