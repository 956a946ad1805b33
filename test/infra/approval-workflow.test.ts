import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/manifest.ts';
import {
  approvalWorkflow,
  auditSealWorkflow,
  CALLBACK_RESOURCE,
  redemptionHoldWorkflow,
  taskPlaceholder,
} from '../../functions/workflows/definitions.ts';
import { logicalIdOf } from '../../lib/logical-id.ts';
import type { RedRoomRewardsStack } from '../../lib/stack.ts';
import { STAGES } from '../../lib/stage.ts';
import { Workflows } from '../../lib/workflows.ts';
import { buildStack, synthesize } from './support/synth.ts';
import { TemplateIndex } from './support/template-index.ts';

/**
 * The Approval workflow as deployed (prod, cdk-nag clean: `synthesize` throws on any finding
 * without a reasoned acknowledgement): its state machine, who may start it and complete its
 * waiting task (exactly the routes that say so, on exactly this state machine), its alarm, and
 * the waiting task's own right to complete itself without a dependency cycle.
 */
let stack: RedRoomRewardsStack;
let index: TemplateIndex;
let machineId: string;
let machine: Record<string, any>;
const routeId = (operationId: string) => logicalIdOf(stack.routeFunctions.get(operationId)!.function);
const taskId = (state: string) =>
  index.ofType('AWS::Lambda::Function').find(([, fn]) => fn.Properties!.Description === `workflow Approval, task ${state}`)![0];
/** The Step Functions statements of a function's role, across all its policies. */
const statesStatements = (functionId: string) =>
  index.statementsOfFunction(functionId).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('states:')));

beforeAll(() => {
  let template: Template;
  ({ stack, template } = synthesize('prod'));
  index = new TemplateIndex(template);
  [machineId, machine] = index
    .ofType('AWS::StepFunctions::StateMachine')
    .find(([, m]) => JSON.parse(m.Properties!.DefinitionString).Comment === approvalWorkflow.definition.Comment)!;
  machine = machine.Properties!;
}, 60_000);

describe('the Approval state machine', () => {
  it('is a STANDARD state machine, traced, logging every event without execution data to its own log group', () => {
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const [logGroupId] = TemplateIndex.arnTargets(machine.LoggingConfiguration.Destinations);
    expect(index.resources[logGroupId!]!.Type).toBe('AWS::Logs::LogGroup');
  });

  it('waits for the decision through the AwaitDecision function (callback token), as long as the execution input says', () => {
    const definition = JSON.parse(machine.DefinitionString);
    expect(definition).toEqual(approvalWorkflow.definition);
    expect(definition.States.AwaitDecision).toMatchObject({
      Type: 'Task',
      Resource: CALLBACK_RESOURCE,
      Parameters: { FunctionName: taskPlaceholder('AwaitDecision'), Payload: { 'taskToken.$': '$$.Task.Token' } },
      TimeoutSecondsPath: '$.waitSeconds',
    });
    expect(CALLBACK_RESOURCE).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    // Each placeholder resolves to its own task's function ARN, and nothing else is substituted.
    expect(machine.DefinitionSubstitutions).toEqual(
      Object.fromEntries(Object.keys(approvalWorkflow.tasks).map((state) => [state, { 'Fn::GetAtt': [taskId(state), 'Arn'] }])),
    );
  });

  it('may invoke its three task functions and no other function', () => {
    const roleId = TemplateIndex.arnTargets(machine.RoleArn)[0];
    const invoked = index
      .ofType('AWS::IAM::Policy')
      .filter(([, policy]) => (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((statement) => [statement.Action].flat().includes('lambda:InvokeFunction'))
      .flatMap((statement) => TemplateIndex.arnTargets(statement.Resource));
    expect([...new Set(invoked)].sort()).toEqual(Object.keys(approvalWorkflow.tasks).map(taskId).sort());
  });
});

describe('who may start the workflow and complete its waiting task', () => {
  const starting = routes.filter((route) => route.workflows?.starts?.includes('Approval')).map((route) => route.operationId);
  const completing = routes.filter((route) => route.workflows?.completes?.includes('Approval')).map((route) => route.operationId);

  it('is declared by the routes: createAdjustment starts it, the two decisions complete it', () => {
    expect(starting).toEqual(['createAdjustment']);
    expect(completing.sort()).toEqual(['approveApproval', 'rejectApproval']);
  });

  it('grants StartExecution to the starting routes and SendTaskSuccess to the deciding ones, on this state machine only', () => {
    for (const operationId of starting) {
      expect(statesStatements(routeId(operationId)), operationId).toEqual([
        { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: machineId } },
      ]);
    }
    for (const operationId of completing) {
      expect(statesStatements(routeId(operationId)), operationId).toEqual([
        { Action: 'states:SendTaskSuccess', Effect: 'Allow', Resource: { Ref: machineId } },
      ]);
    }
  });

  it('gives no other function any Step Functions right but AwaitDecision, which completes its own task (and the hold timer starters: redemption-hold-workflow.test.ts)', () => {
    const holdStarters = routes.filter((route) => route.workflows?.starts?.includes('RedemptionHold')).map((route) => route.operationId);
    const allowed = new Set([...starting, ...completing, ...holdStarters].map(routeId));
    allowed.add(taskId('AwaitDecision'));
    for (const [functionId, fn] of index.ofType('AWS::Lambda::Function')) {
      if (!allowed.has(functionId)) expect(statesStatements(functionId), fn.Properties!.Description).toEqual([]);
    }
  });

  it('refuses a stack whose routes use a workflow it does not deploy', () => {
    expect(() => buildStack('dev', { workflows: [auditSealWorkflow, redemptionHoldWorkflow] })).toThrow(
      /Route createAdjustment uses workflow Approval, which is not among the deployed workflows/,
    );
  });

  it('puts the state machine ARN in the environment of exactly the functions that start it', () => {
    for (const [functionId, fn] of index.ofType('AWS::Lambda::Function')) {
      const variables = (fn.Properties!.Environment?.Variables ?? {}) as Record<string, unknown>;
      if (starting.map(routeId).includes(functionId)) {
        expect(variables.APPROVAL_WORKFLOW_ARN, fn.Properties!.Description).toEqual({ Ref: machineId });
      } else {
        expect(variables, fn.Properties!.Description).not.toHaveProperty('APPROVAL_WORKFLOW_ARN');
      }
    }
  });
});

describe("the waiting task's own completion", () => {
  it('lets AwaitDecision send its task success on this state machine only, from a policy the function does not depend on', () => {
    const functionId = taskId('AwaitDecision');
    expect(statesStatements(functionId)).toEqual([{ Action: 'states:SendTaskSuccess', Effect: 'Allow', Resource: { Ref: machineId } }]);
    const roleId = TemplateIndex.arnTargets(index.resources[functionId]!.Properties!.Role)[0];
    const [policyId] = index
      .ofType('AWS::IAM::Policy')
      .find(
        ([, policy]) =>
          JSON.stringify(policy.Properties!.PolicyDocument).includes('states:SendTaskSuccess') &&
          (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
      )!;
    // The function does not wait for it (its default policy it does), and it names the state machine.
    expect((index.resources[functionId] as { DependsOn?: string[] }).DependsOn).not.toContain(policyId);
    expect(index.resources[policyId!]!.Properties!.PolicyDocument.Statement).toEqual([
      { Action: 'states:SendTaskSuccess', Effect: 'Allow', Resource: { Ref: machineId } },
    ]);
    for (const state of ['ExpireIfUndecided', 'ApplyApproval']) expect(statesStatements(taskId(state)), state).toEqual([]);
  });

  it("needs that policy of its own: the same right on the function's role would make the template undeployable (a cycle)", () => {
    // The prod template above passed the same check: Template.fromJSON refuses a dependency cycle.
    /** The Approval workflow alone, in a stack of its own; `grantOnRole` adds the right the usual way too. */
    const probe = (grantOnRole: boolean) => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new Stack(app, 'CycleProbe');
      const workflows = new Workflows(stack, 'Workflows', {
        stage: STAGES.dev,
        definitions: [approvalWorkflow],
        table: new Table(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } }),
        hashKeySecret: new Secret(stack, 'Secret'),
        audit: { bucket: new Bucket(stack, 'Bucket'), key: new Key(stack, 'Key', { enableKeyRotation: true }) },
      });
      const fn = workflows.functions.get('Approval.AwaitDecision')!.function;
      if (grantOnRole) workflows.stateMachines.get('Approval')!.grant(fn, 'states:SendTaskSuccess');
      return () => Template.fromStack(stack);
    };
    expect(probe(false)).not.toThrow();
    expect(probe(true)).toThrow(/dependency cycle: .*StateMachine/);
  });
});

describe('alarms', () => {
  it('alarm to the topic on any failed (or timed out, or aborted) execution of every state machine, in 5 minutes', () => {
    const [topicId] = index.ofType('AWS::SNS::Topic')[0]!;
    const alarms = index.ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    const machines = index.ofType('AWS::StepFunctions::StateMachine').map(([id]) => id);
    expect(machines).toContain(machineId);
    for (const id of machines) {
      const matching = alarms.filter((alarm) =>
        (alarm.Metrics ?? []).some(
          (metric: any) =>
            metric.MetricStat?.Metric.MetricName === 'ExecutionsFailed' &&
            JSON.stringify(metric.MetricStat.Metric.Dimensions) === JSON.stringify([{ Name: 'StateMachineArn', Value: { Ref: id } }]),
        ),
      );
      expect(matching, id).toHaveLength(1);
      const alarm = matching[0]!;
      expect(alarm, id).toMatchObject({
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
      });
      const metricNames = (alarm.Metrics as any[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.MetricName);
      expect(metricNames.sort(), id).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
      for (const metric of (alarm.Metrics as any[]).filter((m) => m.MetricStat)) expect(metric.MetricStat.Period, id).toBe(300);
    }
  });
});
