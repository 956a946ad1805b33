import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AUDIT_METRICS } from '../functions/audit/metrics.ts';
import type { StageConfig } from './stage.ts';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms, all to one SNS topic. Thresholds say "a person should look now": any Lambda error
 * (handlers turn refusals into problem responses, so an error is a crash or a timeout),
 * any throttle, a 5xx rate above 1%, sustained transaction conflicts, a stream consumer
 * falling behind, anything in the DLQ, any failed workflow.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  private readonly stage: StageConfig;

  constructor(scope: Construct, id: string, props: { stage: StageConfig }) {
    super(scope, id);
    this.stage = props.stage;
    // CloudWatch can publish to an encrypted topic only with a key whose policy lets it use
    // the key; the AWS-managed SNS key cannot be given that, hence a small key of our own.
    const key = new Key(this, 'TopicKey', {
      description: `RedRoomRewards ${props.stage.name}: alarm topic`,
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { displayName: `RedRoomRewards ${props.stage.name} alarms`, masterKey: key, enforceSSL: true });
    if (props.stage.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.stage.alarmEmail));
  }

  /** 5xx rate over 1% of at least 50 requests in 5 minutes, three periods running. */
  onApi(api: RestApi): void {
    const rate = new MathExpression({
      label: '5xx rate (%)',
      expression: 'IF(requests >= 50, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
        requests: api.metricCount({ statistic: 'Sum', period: FIVE_MINUTES }),
      },
      period: FIVE_MINUTES,
    });
    this.alarm('Api5xxRate', rate, { threshold: 1, evaluationPeriods: 3, description: 'API 5xx responses above 1% of requests' });
  }

  onFunction(name: string, fn: IFunction): void {
    this.alarm(`${name}-Errors`, fn.metricErrors({ period: FIVE_MINUTES }), {
      threshold: 1,
      description: `${name}: Lambda errors (crash or timeout)`,
    });
    this.alarm(`${name}-Throttles`, fn.metricThrottles({ period: FIVE_MINUTES }), {
      threshold: 1,
      description: `${name}: Lambda throttles`,
    });
  }

  onTable(table: Table): void {
    const throttles = table.metricThrottledRequestsForOperations({
      operations: THROTTLE_OPERATIONS,
      period: FIVE_MINUTES,
    });
    this.alarm('TableThrottles', throttles, { threshold: 1, description: 'DynamoDB throttled requests' });
    // Conflicts are normal under contention (the handler retries); sustained ones mean a hot
    // account or a retry storm.
    const conflicts = new Metric({
      namespace: 'AWS/DynamoDB',
      metricName: 'TransactionConflict',
      dimensionsMap: { TableName: table.tableName },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
    this.alarm('TableTransactionConflicts', conflicts, {
      threshold: 100,
      evaluationPeriods: 3,
      description: 'DynamoDB TransactionConflict, sustained',
    });
  }

  /** The exporter more than 10 minutes behind the stream, or anything in its DLQ. */
  onStream(consumer: IFunction, deadLetters: Queue): void {
    const iteratorAge = consumer.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES });
    this.alarm('StreamIteratorAge', iteratorAge, {
      threshold: 10 * 60 * 1000,
      description: 'Audit exporter more than 10 minutes behind the stream',
    });
    this.alarm('StreamDeadLetters', deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }), {
      threshold: 1,
      description: 'Stream records the exporter gave up on (DLQ not empty)',
    });
  }

  /** Any ledger entry changed or removed in the table, as the exporter counts it (the ledger is append-only). */
  onLedgerTamper(): void {
    const modified = new Metric({
      namespace: AUDIT_METRICS.namespace,
      metricName: AUDIT_METRICS.ledgerTamper,
      dimensionsMap: { service: AUDIT_METRICS.service, stage: this.stage.name },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
    this.alarm('LedgerTamper', modified, {
      threshold: 1,
      description: 'A ledger entry was modified or removed in the table (the audit export recorded it)',
    });
  }

  onStateMachine(name: string, stateMachine: StateMachine): void {
    const failures = new MathExpression({
      label: 'failed + timed out + aborted',
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: stateMachine.metricFailed({ period: FIVE_MINUTES }),
        timedOut: stateMachine.metricTimedOut({ period: FIVE_MINUTES }),
        aborted: stateMachine.metricAborted({ period: FIVE_MINUTES }),
      },
      period: FIVE_MINUTES,
    });
    this.alarm(`${name}-Failures`, failures, { threshold: 1, description: `Workflow ${name}: executions failed, timed out or aborted` });
  }

  private alarm(id: string, metric: IMetric, options: { threshold: number; evaluationPeriods?: number; description: string }): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no traffic, not trouble.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }
}

/** The operations the functions use (lib/api-function.ts TABLE_ACTIONS) plus the transactions they make of them. */
const THROTTLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];
