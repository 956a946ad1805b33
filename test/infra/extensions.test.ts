import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/manifest.ts';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import {
  approvalWorkflow,
  redemptionHoldWorkflow,
  taskPlaceholder,
  type WorkflowDefinition,
} from '../../functions/workflows/definitions.ts';
import { functionEntries } from '../../lib/function-entries.ts';
import type { ScheduledJobDefinition } from '../../lib/schedules.ts';
import { synthesize } from './support/synth.ts';
import { TemplateIndex } from './support/template-index.ts';

/**
 * What later issues will add, proven before they land: an operator route, a workflow and a
 * scheduled job. Their handlers point at an existing module (bundling is skipped); what is
 * checked is the infrastructure each kind gets. Also the dev stage, which must tear down.
 */
const operatorRoute: RouteDefinition = {
  operationId: 'adminPing',
  method: 'GET',
  path: '/api/v1/admin/ping',
  summary: 'test-only operator route',
  auth: 'operator',
  roles: ['platform_admin'],
  idempotent: false,
  tableAccess: 'read',
  responses: [{ status: 200, description: 'ok' }],
  errors: [],
  handler: 'functions/api/handlers/health.ts',
};
const workflow: WorkflowDefinition = {
  name: 'TestApproval',
  definition: { StartAt: 'Decide', States: { Decide: { Type: 'Task', Resource: taskPlaceholder('Decide'), End: true } } },
  tasks: { Decide: { handler: 'functions/api/handlers/health.ts', tableAccess: 'readwrite' } },
};
const job: ScheduledJobDefinition = {
  name: 'TestSweep',
  handler: 'functions/api/handlers/health.ts',
  cron: { minute: '15', hour: '5' },
  tableAccess: 'readwrite',
};
// The manifest's routes start and complete the Approval workflow and start the hold timer: the stack refuses them without those.
const sources = {
  routes: [...routes, operatorRoute],
  workflows: [approvalWorkflow, redemptionHoldWorkflow, workflow],
  scheduledJobs: [job],
};

describe('kinds of function later issues add (prod, cdk-nag clean)', () => {
  let template: Template;
  let index: TemplateIndex;
  beforeAll(() => {
    ({ template } = synthesize('prod', sources));
    index = new TemplateIndex(template);
  }, 60_000);

  it('puts operator routes behind the Cognito authorizer of the operator user pool', () => {
    const [authorizerId] = index.ofType('AWS::ApiGateway::Authorizer').find(([, a]) => a.Properties!.Type === 'COGNITO_USER_POOLS')!;
    const [poolId] = index.ofType('AWS::Cognito::UserPool')[0]!;
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [{ 'Fn::GetAtt': [poolId, 'Arn'] }],
    });
    const method = index.methods().find((m) => m.path === operatorRoute.path && m.httpMethod === operatorRoute.method)!;
    expect(method.props).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } });
    expect(method.props.RequestValidatorId).toBeDefined();
  });

  it('deploys workflows from their definitions with the task ARNs substituted, logged and traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: { Decide: { 'Fn::GetAtt': [Match.stringLikeRegexp('TestApprovalTaskDecide'), 'Arn'] } },
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    const [, machine] = index
      .ofType('AWS::StepFunctions::StateMachine')
      .find(([, m]) => JSON.stringify(m.Properties!.DefinitionSubstitutions).includes('TestApprovalTaskDecide'))!;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder, not a JS template
    expect(JSON.stringify(machine.Properties!.DefinitionString)).toContain('${Decide}');
    const alarms = JSON.stringify(index.ofType('AWS::CloudWatch::Alarm'));
    expect(alarms).toContain('ExecutionsFailed');
  });

  it('runs scheduled jobs from an EventBridge schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 5 * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('JobsJobTestSweep'), 'Arn'] } })],
    });
  });

  it('still deploys exactly the functions the entry list names, each with its error alarm', () => {
    const functions = index.ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(functionEntries(sources).filter((entry) => !entry.nestedStack).length);
    const alarms = JSON.stringify(index.ofType('AWS::CloudWatch::Alarm'));
    for (const [fnId] of functions) expect(alarms, fnId).toContain(`"Ref":"${fnId}"`);
  });
});

describe('dev stage (cdk-nag clean)', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthesize('dev'));
  }, 60_000);

  it('can be torn down: no deletion protection, short governance lock on audit objects', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
    });
  });
});
