import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import { inlineMapProblems, type WorkflowDefinition } from '../functions/workflows/definitions.ts';
import { WORKFLOW_ARN_ENV } from '../functions/workflows/workflow-names.ts';
import { ApiFunction } from './api-function.ts';
import { grantAuditAccess } from './audit-access.ts';
import { logicalIdOf } from './logical-id.ts';
import { dataRemovalPolicy, type StageConfig } from './stage.ts';

/** A workflow a route may start or complete a task of (functions/api/route-types.ts). */
export type RouteWorkflow = NonNullable<NonNullable<RouteDefinition['workflows']>['starts']>[number];

/**
 * The one action a task is completed with: the functions hand a waiting task its result
 * (workflow-client.ts completeTask) and never fail it or heartbeat it. Scoped to the state
 * machine: the service authorization reference lists no resource type for it, but Step
 * Functions authorizes a token of a Lambda callback task against its state machine's ARN
 * (what aws-cdk-lib's grantTaskResponse relies on too), so no `*` is needed.
 */
const COMPLETE_TASK_ACTIONS = ['states:SendTaskSuccess'];

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
      for (const [stateName, task] of Object.entries(workflow.tasks)) {
        if (!task.completesTasks) continue;
        // Not a grant on the function's role: that lands in the role's default policy, which the
        // function depends on, and this statement names the state machine, whose definition names
        // the function: a cycle CloudFormation refuses. A policy of its own is attached to the same
        // role without the function depending on it. CloudFormation creates it right after the
        // state machine; a completion refused in that window (a first deploy only) fails the
        // invocation, which the state's Retry runs again.
        const fn = this.functions.get(`${workflow.name}.${stateName}`)!;
        new Policy(fn, 'CompletesTasks', {
          roles: [fn.function.role!],
          statements: [new PolicyStatement({ actions: COMPLETE_TASK_ACTIONS, resources: [stateMachine.stateMachineArn] })],
        });
      }
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

  /**
   * What a route's `workflows` asks for, on its function: for each workflow it starts, the state
   * machine's ARN in its environment and StartExecution on that state machine; for each it
   * completes tasks of, SendTaskSuccess on that state machine. Nothing on any other.
   */
  grantToRoute(route: RouteDefinition, fn: ApiFunction): void {
    for (const name of route.workflows?.starts ?? []) {
      const stateMachine = this.stateMachineFor(route, name);
      stateMachine.grantStartExecution(fn.function);
      fn.function.addEnvironment(WORKFLOW_ARN_ENV[name], stateMachine.stateMachineArn);
    }
    for (const name of route.workflows?.completes ?? []) {
      this.stateMachineFor(route, name).grant(fn.function, ...COMPLETE_TASK_ACTIONS);
    }
  }

  private stateMachineFor(route: RouteDefinition, name: RouteWorkflow): StateMachine {
    const stateMachine = this.stateMachines.get(name);
    // Deployed without it, the route would fail on every call that reaches the workflow.
    if (!stateMachine) throw new Error(`Route ${route.operationId} uses workflow ${name}, which is not among the deployed workflows`);
    return stateMachine;
  }
}
