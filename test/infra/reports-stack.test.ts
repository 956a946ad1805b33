import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestedStack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack } from './support/synth.ts';
import { TemplateIndex } from './support/template-index.ts';

/**
 * The reports read model's stream consumer, deployed in a nested stack (the main stack is at
 * CloudFormation's 500 resources): its event source mapping on the table's stream has the
 * audit exporter's failure handling and is filtered to ledger INSERTs; its function may write
 * the table and nothing else. Synthesized with cdk-nag, which throws on any finding.
 */
let main: Template;
let nested: Template;
let nestedIndex: TemplateIndex;

beforeAll(() => {
  const { app, stack } = buildStack('prod');
  const assembly = app.synth();
  main = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  const reportsStack = stack.node.findChild('ReportsStack') as NestedStack;
  nested = Template.fromJSON(JSON.parse(readFileSync(join(assembly.directory, reportsStack.templateFile), 'utf8')));
  nestedIndex = new TemplateIndex(nested);
}, 120_000);

describe('reports read model consumer', () => {
  it('is a nested stack of the main one, with one function', () => {
    main.resourceCountIs('AWS::CloudFormation::Stack', 1);
    nested.resourceCountIs('AWS::Lambda::Function', 1);
    nested.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^reports read model') });
  });

  it("reads the table's stream with partial batch responses, bisect on error, bounded retries and the exporter's DLQ, filtered to ledger INSERTs", () => {
    nested.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    const [, mapping] = nestedIndex.ofType('AWS::Lambda::EventSourceMapping')[0]!;
    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    const patterns = mapping.Properties!.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern));
    expect(patterns).toEqual([{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['LEDGER'] } } } }]);
    // The stream and the DLQ are the main stack's: passed in as parameters.
    expect(JSON.stringify(mapping.Properties!.EventSourceArn)).toMatch(/Ref/);
    expect(JSON.stringify(mapping.Properties!.DestinationConfig)).toMatch(/AuditExportDeadLetters/);
  });

  it('may put and update items of the table (no reads, no scans, no deletes, no indexes) and reach nothing else but its stream, DLQ, key and logs', () => {
    const statements = nestedIndex
      .ofType('AWS::IAM::Policy')
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    const dynamo = actions.filter((action) => action.startsWith('dynamodb:'));
    const streamRead = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
    expect(dynamo.filter((action) => !streamRead.includes(action)).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(actions.filter((action) => !/^(dynamodb|kms|sqs|xray|logs):/.test(action))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('sqs:'))).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    const tableWrite = statements.find((statement) => [statement.Action].flat().includes('dynamodb:PutItem'))!;
    expect(JSON.stringify(tableWrite.Resource)).not.toContain('index');
    expect(JSON.stringify(tableWrite.Resource)).not.toContain('*');
  });

  it("has the TABLE_NAME it writes to, and its Errors and Throttles alarms in the main stack's alarm topic", () => {
    const [, fn] = nestedIndex.ofType('AWS::Lambda::Function')[0]!;
    expect(fn.Properties!.Environment.Variables.TABLE_NAME).toBeDefined();
    const alarms = new TemplateIndex(main).ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    for (const metric of ['Errors', 'Throttles']) {
      expect(
        alarms.some((alarm) => alarm.MetricName === metric && JSON.stringify(alarm.Dimensions).includes('ReportsStack')),
        metric,
      ).toBe(true);
    }
  });
});
