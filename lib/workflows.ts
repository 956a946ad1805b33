import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { inlineMapProblems, type WorkflowDefinition } from '../functions/workflows/definitions.ts';
import { ApiFunction } from './api-function.ts';
import { grantAuditAccess } from './audit-access.ts';
import { logicalIdOf } from './logical-id.ts';
import { dataRemovalPolicy, type StageConfig } from './stage.ts';

export interface WorkflowsProps {
  stage: StageConfig;
  /** From functions/workflows/definitions.ts: the same documents the local runner executes. */
  definitions: WorkflowDefinition[];
  table: Table;
  hashKeySecret: ISecret;
  /** The audit bucket, for tasks that name rights on it. */
  audit: { bucket: Bucket; key: IKey };
}

/**
 * One Step Functions state machine per workflow definition, each Task's Lambda built by the
 * one function construct and its ARN substituted for the task's placeholder, so the ASL in
 * the repository is exactly what runs on AWS.
 */
export class Workflows extends Construct {
  readonly stateMachines = new Map<string, StateMachine>();
  /** Task functions by `<workflow>.<state>`, for alarms and the dashboard. */
  readonly functions = new Map<string, ApiFunction>();

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    for (const workflow of props.definitions) {
      const scopeOf = new Construct(this, workflow.name);
      const substitutions: Record<string, string> = {};
      const functions: ApiFunction[] = [];
      for (const [stateName, task] of Object.entries(workflow.tasks)) {
        const fn = new ApiFunction(scopeOf, `Task-${stateName}`, {
          stage: props.stage,
          entry: task.handler,
          description: `workflow ${workflow.name}, task ${stateName}`,
          tableAccess: task.tableAccess,
          table: props.table,
          hashKeySecret: props.hashKeySecret,
          ...(task.memorySize ? { memorySize: task.memorySize } : {}),
          ...(task.timeoutSeconds ? { timeout: Duration.seconds(task.timeoutSeconds) } : {}),
          ...(task.ephemeralStorageMiB ? { ephemeralStorageMiB: task.ephemeralStorageMiB } : {}),
          ...(task.nodeOptions ? { environment: { NODE_OPTIONS: task.nodeOptions } } : {}),
        });
        if (task.auditBucket) grantAuditAccess(fn, props.audit, task.auditBucket);
        substitutions[stateName] = fn.function.functionArn;
        functions.push(fn);
        this.functions.set(`${workflow.name}.${stateName}`, fn);
      }
      // Synth fails on an inline Map carrying a Distributed Map field (it would not do what it
      // reads as: ToleratedFailurePercentage does not make an inline Map tolerate a failed item).
      scopeOf.node.addValidation({
        validate: () => inlineMapProblems(workflow.definition).map((problem) => `${workflow.name}: ${problem}`),
      });
      const stateMachine = new StateMachine(scopeOf, 'StateMachine', {
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromString(JSON.stringify(workflow.definition)),
        definitionSubstitutions: substitutions,
        tracingEnabled: true,
        // ALL events, without execution data: inputs and outputs carry account ids and amounts.
        logs: {
          destination: new LogGroup(scopeOf, 'Logs', {
            retention: props.stage.logRetention,
            removalPolicy: dataRemovalPolicy(props.stage),
          }),
          level: LogLevel.ALL,
          includeExecutionData: false,
        },
      });
      for (const fn of functions) {
        fn.function.grantInvoke(stateMachine);
        Validations.of(stateMachine).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(fn.function)}.Arn>:*]`,
          reason: "Invoking the task's own function, any version or alias (aws-cdk-lib's grantInvoke); no other function.",
        });
      }
      Validations.of(stateMachine).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray tracing actions support no resource-level permissions.',
      });
      if (workflow.schedule) {
        // An execution per tick; the target's role may start this state machine only.
        new Rule(scopeOf, 'Schedule', {
          schedule: Schedule.cron(workflow.schedule),
          targets: [new SfnStateMachine(stateMachine, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
        });
      }
      this.stateMachines.set(workflow.name, stateMachine);
    }
  }
}
