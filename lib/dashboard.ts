import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Dashboard, GraphWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from './stage.ts';

export interface ServiceDashboardProps {
  stage: StageConfig;
  api: RestApi;
  table: Table;
  functions: ReadonlyMap<string, IFunction>;
  streamConsumer: IFunction;
  deadLetters: Queue;
}

const PERIOD = Duration.minutes(1);

/** One page for the on-call: traffic and errors, function health, table load, export lag. */
export class ServiceDashboard extends Construct {
  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const fns = [...props.functions.entries()];
    const tableMetric = (metricName: string, statistic = 'Sum') =>
      new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: props.table.tableName }, statistic, period: PERIOD });

    new Dashboard(this, 'Dashboard', {
      dashboardName: `redroomrewards-${props.stage.name}`,
      widgets: [
        [
          new GraphWidget({
            title: 'API requests and errors',
            left: [
              props.api.metricCount({ period: PERIOD }),
              props.api.metricClientError({ period: PERIOD }),
              props.api.metricServerError({ period: PERIOD }),
            ],
          }),
          new GraphWidget({
            title: 'API latency (p50, p99)',
            left: [
              props.api.metricLatency({ period: PERIOD, statistic: 'p50' }),
              props.api.metricLatency({ period: PERIOD, statistic: 'p99' }),
            ],
          }),
        ],
        [
          new GraphWidget({ title: 'Lambda errors', left: fns.map(([name, fn]) => fn.metricErrors({ period: PERIOD, label: name })) }),
          new GraphWidget({
            title: 'Lambda duration p99',
            left: fns.map(([name, fn]) => fn.metricDuration({ period: PERIOD, statistic: 'p99', label: name })),
          }),
        ],
        [
          new GraphWidget({
            title: 'Table capacity consumed',
            left: [tableMetric('ConsumedReadCapacityUnits'), tableMetric('ConsumedWriteCapacityUnits')],
          }),
          new GraphWidget({
            title: 'Table throttles and transaction conflicts',
            left: [tableMetric('ThrottledRequests'), tableMetric('TransactionConflict')],
          }),
        ],
        [
          new GraphWidget({
            title: 'Audit export lag (iterator age, ms)',
            left: [props.streamConsumer.metric('IteratorAge', { statistic: 'Maximum', period: PERIOD })],
          }),
          new GraphWidget({
            title: 'Export DLQ depth',
            left: [props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD })],
          }),
        ],
      ],
    });
  }
}
