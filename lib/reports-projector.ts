import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ApiFunction } from './api-function.ts';
import type { StageConfig } from './stage.ts';
import { STREAM_CONSUMER_ACKNOWLEDGEMENTS, tableStreamSource } from './stream-consumer.ts';

export interface ReportsProjectorProps {
  stage: StageConfig;
  /** The stream consumer's module, relative to the repository root. */
  handler: string;
  table: Table;
  encryptionKey: IKey;
  /**
   * The on-failure destination: the audit exporter's DLQ, shared (each message names its event
   * source mapping), so its alarm covers both consumers and the stack stays under CloudFormation's
   * 500 resources.
   */
  deadLetters: Queue;
}

/**
 * The table's stream feeding the reports read model: the stream's second consumer (a DynamoDB
 * stream serves two per shard), beside the audit exporter, with the same failure handling
 * (partial batch response, bisect on error, bounded retries, then the exporter's DLQ). Filtered to ledger
 * INSERTs, the only records it counts, so it is not invoked for anything else. It writes the
 * table's report items only: PutItem and UpdateItem on the table itself (through
 * TransactWriteItems), no reads, no indexes.
 */
export class ReportsProjector extends Construct {
  readonly handler: ApiFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: ReportsProjectorProps) {
    super(scope, id);
    this.deadLetters = props.deadLetters;
    this.handler = new ApiFunction(this, 'Handler', {
      stage: props.stage,
      entry: props.handler,
      description: 'reports read model (DynamoDB stream to report items)',
      // Its own narrower grant below: writes to the table only.
      tableAccess: 'none',
      table: props.table,
      environment: { TABLE_NAME: props.table.tableName },
      memorySize: 256,
      timeout: Duration.minutes(1),
    });
    this.handler.function.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [props.table.tableArn] }),
    );
    props.encryptionKey.grant(this.handler.function, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    Validations.of(this.handler).acknowledge(...STREAM_CONSUMER_ACKNOWLEDGEMENTS);

    this.handler.function.addEventSource(
      tableStreamSource(props.table, this.deadLetters, [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { entity: { S: FilterRule.isEqual('LEDGER') } } },
        }),
      ]),
    );
  }
}
