import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/manifest.ts';
import { TABLE_KEYS } from '../../functions/store/table-definition.ts';
import { TABLE_ACTIONS } from '../../lib/api-function.ts';
import { logicalIdOf } from '../../lib/logical-id.ts';
import { JOB_TIMEOUT_MINUTES } from '../../lib/scheduled-jobs.ts';
import { PARTNER_PLANS, usagePlanName, type PartnerPlan } from '../../lib/partner-plans.ts';
import { functionEntries } from '../../lib/function-entries.ts';
import type { RedRoomRewardsStack } from '../../lib/stack.ts';
import { ERROR_CODES, type ErrorCode } from '../../schemas/error-codes.ts';
import { expectProblemWire, renderTemplate, staticHeaders } from '../support/problem-wire.ts';
import { synthesize } from './support/synth.ts';
import { TemplateIndex } from './support/template-index.ts';

/**
 * The production stack as synthesized from the real manifest. `synthesize` runs cdk-nag's
 * AwsSolutions pack and throws on any finding without a reasoned acknowledgement, so the
 * beforeAll itself is the "cdk-nag clean" check for prod.
 */
let stack: RedRoomRewardsStack;
let template: Template;
let index: TemplateIndex;
const idOf = (operationId: string) => logicalIdOf(stack.routeFunctions.get(operationId)!.function);

beforeAll(() => {
  ({ stack, template } = synthesize('prod'));
  index = new TemplateIndex(template);
}, 60_000);

const auditBucketId = () => index.ofType('AWS::S3::Bucket').find(([, bucket]) => bucket.Properties!.ObjectLockEnabled)![0];

/** The S3 statements of a function's role policies. */
function s3Statements(functionId: string): { Action: string | string[]; Resource: unknown }[] {
  const roleId = TemplateIndex.arnTargets(index.resources[functionId]!.Properties!.Role)[0];
  return index
    .ofType('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
    .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:')));
}

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

describe('functions from the manifest', () => {
  it('deploys one function per manifest route and no function the entry list does not name', () => {
    expect([...stack.routeFunctions.keys()].sort()).toEqual(routes.map((route) => route.operationId).sort());
    const described = index
      .ofType('AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties!.Description as string)
      .filter((description) => description.startsWith('route '));
    expect(described.map((description) => description.split(':')[0]).sort()).toEqual(
      routes.map((route) => `route ${route.operationId}`).sort(),
    );
    // Entries deployed in a nested stack are in that stack's template (test/infra/reports-stack.test.ts).
    expect(index.ofType('AWS::Lambda::Function')).toHaveLength(functionEntries().filter((entry) => !entry.nestedStack).length);
  });

  it('serves every route from its own function, at its own method and path', () => {
    const methods = index.methods().filter((method) => method.httpMethod !== 'ANY');
    for (const route of routes) {
      const matching = methods.filter((method) => method.httpMethod === route.method && method.path === route.path);
      expect(matching, `${route.method} ${route.path}`).toHaveLength(1);
      expect(TemplateIndex.arnTargets(matching[0]!.props.Integration.Uri)).toEqual([idOf(route.operationId)]);
    }
    expect(methods).toHaveLength(routes.length);
  });

  it('builds every function the same way: Node.js 24, ARM64, active tracing, its own log group with retention', () => {
    for (const [id, fn] of index.ofType('AWS::Lambda::Function')) {
      expect(fn.Properties, id).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      // Bundles take credentials from the environment only (functions/config/lambda-credentials.ts);
      // SnapStart would serve them another way.
      expect(fn.Properties!.SnapStart, id).toBeUndefined();
      const logGroupId = fn.Properties!.LoggingConfig.LogGroup.Ref as string;
      expect(index.resources[logGroupId]!.Properties!.RetentionInDays, id).toBe(90);
    }
  });

  it('never puts the hash key in the environment: functions get the secret ARN', () => {
    for (const route of routes) {
      const variables = index.resources[idOf(route.operationId)]!.Properties!.Environment.Variables as Record<string, unknown>;
      expect(variables).not.toHaveProperty('HASH_KEY');
      expect(variables.HASH_KEY_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^HashKeySecret/) });
    }
  });

  it("grants table access by the route's tableAccess: read routes cannot write, nobody scans or deletes", () => {
    for (const route of routes) {
      const actions = index.actionsOfFunction(idOf(route.operationId));
      const dynamo = actions.filter((action) => action.startsWith('dynamodb:'));
      expect(dynamo, route.operationId).not.toContain('dynamodb:Scan');
      expect(dynamo, route.operationId).not.toContain('dynamodb:DeleteItem');
      expect(
        dynamo.some((action) => action.includes('*')),
        route.operationId,
      ).toBe(false);
      if (route.tableAccess === 'none') expect(dynamo, route.operationId).toEqual([]);
      if (route.tableAccess === 'read') {
        expect(dynamo, route.operationId).toContain('dynamodb:GetItem');
        for (const write of WRITE_ACTIONS) expect(dynamo, route.operationId).not.toContain(write);
        expect(actions, route.operationId).not.toContain('kms:Encrypt');
      }
      if (route.tableAccess === 'readwrite')
        expect(dynamo, route.operationId).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
    }
  });
});

describe('scheduled jobs', () => {
  it('runs the expiry sweep hourly from an EventBridge rule, 5 minutes at most, with table rights only (no scan, no delete, no secret)', () => {
    const [fnId, fn] = index.ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('JobsJobExpirySweep'))!;
    expect(fn.Properties).toMatchObject({ Timeout: JOB_TIMEOUT_MINUTES * 60 });
    expect(fn.Properties!.Environment.Variables).not.toHaveProperty('HASH_KEY_SECRET_ARN');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 * * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
    const actions = index.actionsOfFunction(fnId);
    const dynamo = actions.filter((action) => action.startsWith('dynamodb:')).sort();
    expect(dynamo).toEqual([...TABLE_ACTIONS.readwrite].sort());
    expect(actions.some((action) => action.startsWith('secretsmanager:') || action.startsWith('s3:') || action.startsWith('states:'))).toBe(
      false,
    );
    // The table and its indexes (the expiry index is Queried), nothing else.
    const tableId = index.ofType('AWS::DynamoDB::Table')[0]![0];
    const resources = index
      .statementsOfFunction(fnId)
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')))
      .flatMap((statement) => [statement.Resource].flat());
    for (const resource of resources) expect(JSON.stringify(resource)).toContain(tableId);
  });
});

describe('API', () => {
  it('puts partner routes behind the Lambda REQUEST authorizer and an API key, public routes behind nothing', () => {
    const [authorizerId, authorizer] = index.ofType('AWS::ApiGateway::Authorizer').find(([, a]) => a.Properties!.Type === 'REQUEST')!;
    expect(authorizer.Properties).toMatchObject({
      IdentitySource: 'method.request.header.x-api-key,context.httpMethod,context.resourcePath',
      AuthorizerResultTtlInSeconds: 300,
    });
    const methods = index.methods();
    for (const route of routes) {
      const method = methods.find((m) => m.httpMethod === route.method && m.path === route.path)!;
      if (route.auth === 'partner') {
        expect(method.props, route.operationId).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizerId },
          ApiKeyRequired: true,
        });
      } else if (route.auth === 'public') {
        expect(method.props.AuthorizationType, route.operationId).toBe('NONE');
      }
    }
  });

  it('validates every request, with a body model for routes that take a body', () => {
    const [validatorId] = index.ofType('AWS::ApiGateway::RequestValidator')[0]!;
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    const methods = index.methods();
    for (const route of routes) {
      const method = methods.find((m) => m.httpMethod === route.method && m.path === route.path)!;
      expect(method.props.RequestValidatorId, route.operationId).toEqual({ Ref: validatorId });
      if (route.request?.body) expect(method.props.RequestModels, route.operationId).toHaveProperty(['application/json']);
    }
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'earnBody',
      Schema: Match.objectLike({ $schema: 'http://json-schema.org/draft-04/schema#', additionalProperties: false }),
    });
  });

  it('answers gateway refusals as problem+json with codes from the error table', () => {
    const byType = new Map(
      index.ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties!.ResponseType as string, r.Properties!]),
    );
    const expected: Record<string, keyof typeof ERROR_CODES> = {
      UNAUTHORIZED: 'unauthorized',
      ACCESS_DENIED: 'forbidden',
      THROTTLED: 'rate_limited',
      QUOTA_EXCEEDED: 'rate_limited',
      REQUEST_TOO_LARGE: 'payload_too_large',
      BAD_REQUEST_BODY: 'validation_error',
      DEFAULT_5XX: 'internal_error',
    };
    for (const [type, code] of Object.entries(expected)) {
      const response = byType.get(type)!;
      expect(response, type).toBeDefined();
      const body = JSON.parse(response.ResponseTemplates['application/json']);
      expect(body).toMatchObject({ code, status: ERROR_CODES[code].status, requestId: '$context.requestId' });
      expect(response.StatusCode).toBe(String(ERROR_CODES[code].status));
      expect(response.ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/problem+json'");
    }
  });

  it('answers 429 and 503 of its own (throttle, quota, authorizer failure) as the handlers do, with Retry-After', () => {
    const byType = new Map(
      index.ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties!.ResponseType as string, r.Properties!]),
    );
    const expected: [string, ErrorCode, string | undefined][] = [
      ['THROTTLED', 'rate_limited', '1'],
      ['QUOTA_EXCEEDED', 'rate_limited', '3600'],
      ['AUTHORIZER_FAILURE', 'service_unavailable', '1'],
      ['MISSING_AUTHENTICATION_TOKEN', 'not_found', undefined],
      ['RESOURCE_NOT_FOUND', 'not_found', undefined],
    ];
    for (const [type, code, retryAfter] of expected) {
      const response = byType.get(type)!;
      const wire = {
        status: Number(response.StatusCode),
        headers: staticHeaders(response.ResponseParameters, 'gatewayresponse.header.'),
        body: renderTemplate(response.ResponseTemplates['application/json']),
      };
      expectProblemWire(wire, code, retryAfter ? { headers: { 'retry-after': retryAfter } } : {});
      expect(wire.body.requestId, type).toBe('req-0123');
      if (!retryAfter) expect(wire.headers, type).not.toHaveProperty('retry-after');
    }
  });

  it('answers a method a resource lacks with 405 method_not_allowed and Allow, from a mock that reaches no function', () => {
    const methods = index.methods();
    const paths = [...new Set(routes.map((route) => route.path))];
    const anyMethods = methods.filter((method) => method.httpMethod === 'ANY');
    expect(anyMethods.map((method) => method.path).sort()).toEqual([...paths].sort());
    for (const method of anyMethods) {
      const allow = routes
        .filter((route) => route.path === method.path)
        .map((route) => route.method)
        .join(', ');
      expect(method.props, method.path).toMatchObject({
        AuthorizationType: 'NONE',
        Integration: { Type: 'MOCK', PassthroughBehavior: 'NEVER', RequestTemplates: { 'application/json': '{"statusCode": 405}' } },
      });
      expect(method.props.ApiKeyRequired ?? false).toBe(false);
      const [integrationResponse] = method.props.Integration.IntegrationResponses;
      expect(method.props.Integration.IntegrationResponses).toHaveLength(1);
      expect(integrationResponse.SelectionPattern).toBeUndefined();
      const wire = {
        status: Number(integrationResponse.StatusCode),
        headers: staticHeaders(integrationResponse.ResponseParameters, 'method.response.header.'),
        body: renderTemplate(integrationResponse.ResponseTemplates['application/json']),
      };
      expectProblemWire(wire, 'method_not_allowed', { headers: { allow } });
      expect(wire.body.detail).toBe(`Use ${allow} on this resource`);
      expect(method.props.MethodResponses).toEqual([
        {
          StatusCode: '405',
          ResponseParameters: Object.fromEntries(Object.keys(integrationResponse.ResponseParameters).map((key) => [key, true])),
        },
      ]);
    }
  });

  it("answers the WAF rate rule's block as the rate_limited problem with Retry-After (WAF's content type: application/json)", () => {
    const acl = index.ofType('AWS::WAFv2::WebACL')[0]![1].Properties!;
    const rule = (acl.Rules as { Name: string; Action?: any }[]).find((r) => r.Name === 'RateLimitPerIp')!;
    const { CustomResponse } = rule.Action.Block;
    const body = acl.CustomResponseBodies[CustomResponse.CustomResponseBodyKey];
    expect(body.ContentType).toBe('APPLICATION_JSON');
    const wire = {
      status: CustomResponse.ResponseCode,
      headers: {
        'content-type': 'application/json',
        ...Object.fromEntries(
          (CustomResponse.ResponseHeaders as { Name: string; Value: string }[]).map((h) => [h.Name.toLowerCase(), h.Value]),
        ),
      },
      body: JSON.parse(body.Content),
    };
    expectProblemWire(wire, 'rate_limited', { contentType: 'application/json', headers: { 'retry-after': '60' } });
  });

  it('logs access without bodies or client addresses, traces, and throttles the stage', () => {
    const stage = index.ofType('AWS::ApiGateway::Stage')[0]![1].Properties!;
    expect(stage.TracingEnabled).toBe(true);
    expect(stage.AccessLogSetting.Format).not.toMatch(/sourceIp|userAgent|x-api-key/i);
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({ LoggingLevel: 'ERROR', DataTraceEnabled: false, ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 }),
    ]);
  });

  it('meters partners through usage plans with a throttle and a quota', () => {
    const plans = index.ofType('AWS::ApiGateway::UsagePlan');
    expect(plans.length).toBeGreaterThanOrEqual(1);
    for (const [, plan] of plans) expect(plan.Properties).toMatchObject({ Throttle: expect.any(Object), Quota: { Period: 'MONTH' } });
  });

  it('takes API keys from the partner authorizer (key source AUTHORIZER), so partner keys never reach API Gateway', () => {
    const [, restApi] = index.ofType('AWS::ApiGateway::RestApi')[0]!;
    expect(restApi.Properties!.ApiKeySourceType).toBe('AUTHORIZER');
    // No API key at all in the template: each tenant's usage key is registered when the tenant is created.
    expect(index.ofType('AWS::ApiGateway::ApiKey')).toEqual([]);
    expect(index.ofType('AWS::ApiGateway::UsagePlanKey')).toEqual([]);
  });

  it("has one usage plan per partner plan on the API's stage, with that plan's throttle and monthly quota", () => {
    const [restApiId] = index.ofType('AWS::ApiGateway::RestApi')[0]!;
    const [stageId] = index.ofType('AWS::ApiGateway::Stage')[0]!;
    const plans = index.ofType('AWS::ApiGateway::UsagePlan').map(([, plan]) => plan.Properties!);
    expect(plans.map((plan) => plan.UsagePlanName).sort()).toEqual(
      Object.keys(PARTNER_PLANS)
        .map((plan) => usagePlanName('prod', plan as PartnerPlan))
        .sort(),
    );
    for (const [plan, limits] of Object.entries(PARTNER_PLANS)) {
      const props = plans.find((p) => p.UsagePlanName === usagePlanName('prod', plan as PartnerPlan))!;
      // No per-method throttle overrides: the plan's throttle holds for every partner route.
      expect(props.ApiStages).toEqual([{ ApiId: { Ref: restApiId }, Stage: { Ref: stageId }, Throttle: {} }]);
      expect(props.Throttle).toEqual({ RateLimit: limits.rateLimit, BurstLimit: limits.burstLimit });
      expect(props.Quota).toEqual({ Limit: limits.monthlyQuota, Period: 'MONTH' });
    }
  });

  it('lets only the tenant-creation function register usage keys: read plans, create a key, add it to one of our plans', () => {
    const registering = routes.filter((route) => route.usageKeys === 'register').map((route) => route.operationId);
    expect(registering).toEqual(['createTenant']);
    const planIds = index.ofType('AWS::ApiGateway::UsagePlan').map(([id]) => id);
    const arn = (path: unknown[]) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, ...path]],
    });
    for (const [functionId, fn] of index.ofType('AWS::Lambda::Function')) {
      const statements = index
        .statementsOfFunction(functionId)
        .filter((statement) => [statement.Action].flat().some((a) => a.startsWith('apigateway:')));
      if (functionId !== idOf('createTenant')) {
        expect(statements, fn.Properties!.Description).toEqual([]);
        continue;
      }
      expect(statements).toEqual([
        { Action: 'apigateway:GET', Effect: 'Allow', Resource: arn(['::/usageplans']) },
        { Action: 'apigateway:POST', Effect: 'Allow', Resource: expect.any(Array) },
      ]);
      const postResources = statements[1]!.Resource as unknown[];
      expect(postResources).toHaveLength(1 + planIds.length);
      expect(postResources).toEqual(
        expect.arrayContaining([arn(['::/apikeys']), ...planIds.map((planId) => arn(['::/usageplans/', { Ref: planId }, '/keys']))]),
      );
      expect(JSON.parse(fn.Properties!.Environment.Variables.USAGE_PLAN_NAMES)).toEqual(
        Object.fromEntries(Object.keys(PARTNER_PLANS).map((plan) => [plan, usagePlanName('prod', plan as PartnerPlan)])),
      );
    }
  });

  it('associates a WAF web ACL with the common rule set and a rate-based rule', () => {
    const [aclId, acl] = index.ofType('AWS::WAFv2::WebACL')[0]!;
    const rules = acl.Properties!.Rules as { Statement: Record<string, any> }[];
    expect(rules.some((rule) => rule.Statement.ManagedRuleGroupStatement?.Name === 'AWSManagedRulesCommonRuleSet')).toBe(true);
    expect(rules.some((rule) => rule.Statement.RateBasedStatement?.AggregateKeyType === 'IP')).toBe(true);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] } });
  });

  it('lets operators sign in by SRP only, never write custom:tenant_id, and offers no OAuth (no implicit flow, no placeholder callback, no admin scope)', () => {
    const clients = index.ofType('AWS::Cognito::UserPoolClient').map(([, c]) => c.Properties!);
    expect(clients).toHaveLength(1);
    const [client] = clients;
    expect(client!.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client!.GenerateSecret).toBe(false);
    // Written out in full: a client without WriteAttributes leaves the choice to Cognito.
    expect([...client!.WriteAttributes].sort()).toEqual(['family_name', 'given_name', 'locale', 'name', 'zoneinfo']);
    expect(client!.WriteAttributes).not.toContain('custom:tenant_id');
    expect(client!.WriteAttributes).not.toContain('email');
    expect(client!.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client!.AllowedOAuthFlows).toBeUndefined();
    expect(client!.AllowedOAuthScopes).toBeUndefined();
    expect(client!.CallbackURLs).toBeUndefined();
    expect(JSON.stringify(client)).not.toMatch(/implicit|example\.com|aws\.cognito\.signin\.user\.admin/);
    // The attribute stays in the pool for admins to set (AdminCreateUser, AdminUpdateUserAttributes).
    const [, pool] = index.ofType('AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties!.Schema).toContainEqual(
      expect.objectContaining({ Name: 'tenant_id', AttributeDataType: 'String', Mutable: true }),
    );
  });

  it('has an operator user pool with MFA and a group per operator role', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    const groups = index
      .ofType('AWS::Cognito::UserPoolGroup')
      .map(([, g]) => g.Properties!.GroupName)
      .sort();
    expect(groups).toEqual(['finance', 'platform_admin', 'support', 'tenant_admin']);
  });
});

describe('data', () => {
  it('keeps the table encrypted with our key, recoverable for 35 days, protected, streamed and with TTL', () => {
    const [keyId] = index.ofType('AWS::KMS::Key').find(([, key]) => /data at rest/.test(key.Properties!.Description))!;
    template.hasResourceProperties('AWS::KMS::Key', { Description: Match.stringLikeRegexp('data at rest'), EnableKeyRotation: true });
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
        DeletionProtectionEnabled: true,
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: TABLE_KEYS.expiryIndex.name })],
      }),
    });
  });

  it('keeps the audit bucket immutable for 7 years (compliance), versioned, private, TLS-only, cold after 120 days, deleted after 7 years', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 7 * 365 + 2 } } },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 120 }] }),
          Match.objectLike({ ExpirationInDays: 7 * 365 + 2, NoncurrentVersionExpiration: { NoncurrentDays: 7 * 365 + 2 } }),
        ]),
      },
    });
    const [bucketId] = index.ofType('AWS::S3::Bucket').find(([, bucket]) => bucket.Properties!.ObjectLockEnabled)!;
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('feeds the stream to the exporter with partial batch responses, bisect on error and a DLQ', () => {
    const [tableId] = index.ofType('AWS::DynamoDB::Table')[0]!;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: Match.anyValue(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditExportDeadLetters'), 'Arn'] } } },
    });
  });

  it('lets the exporter create objects under incoming/ and nothing else on the audit bucket', () => {
    const [exporterId] = index.ofType('AWS::Lambda::Function').find(([, fn]) => /^audit exporter/.test(fn.Properties!.Description))!;
    const s3 = index.actionsOfFunction(exporterId).filter((action) => action.startsWith('s3:'));
    expect(s3).toEqual(['s3:PutObject']);
    expect(JSON.stringify(s3Statements(exporterId))).toContain('/incoming/*');
    expect(JSON.stringify(s3Statements(exporterId))).not.toContain('/exports/*');
    const variables = index.resources[exporterId]!.Properties!.Environment.Variables;
    expect(variables.AUDIT_BUCKET).toEqual({ Ref: auditBucketId() });
  });

  it('keeps failed stream records 14 days in a DLQ encrypted with the data key, and alarms on it', () => {
    const [queueId, queue] = index.ofType('AWS::SQS::Queue').find(([id]) => id.startsWith('AuditExportDeadLetters'))!;
    expect(queue.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600, KmsMasterKeyId: expect.anything() });
    const alarms = index.ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    expect(
      alarms.some(
        (alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(alarm.Dimensions).includes(queueId),
      ),
    ).toBe(true);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { StartingPosition: 'TRIM_HORIZON', ParallelizationFactor: 1 });
  });

  it('lets the exporter create objects under incoming/ and pending/ markers only', () => {
    const [exporterId] = index.ofType('AWS::Lambda::Function').find(([, fn]) => /^audit exporter/.test(fn.Properties!.Description))!;
    const put = JSON.stringify(s3Statements(exporterId));
    expect(put).toContain('/pending/*');
    expect(put).not.toContain('/exports/*');
  });

  it('seals each changed audit day in its own Map item, a big day in ranges of their own invocations, planned and joined by two more', () => {
    const fn = (pattern: RegExp) => index.ofType('AWS::Lambda::Function').find(([, f]) => pattern.test(f.Properties!.Description))!;
    const [planId] = fn(/^workflow AuditSeal, task PlanSeals/);
    const steps = {
      PlanDay: fn(/^workflow AuditSeal, task PlanDay/),
      SealRange: fn(/^workflow AuditSeal, task SealRange/),
      FinishDay: fn(/^workflow AuditSeal, task FinishDay/),
    };

    // The planner lists pending/ and nothing else: no read, no write, no table.
    expect(index.actionsOfFunction(planId).filter((action) => /^(s3|dynamodb):/.test(action))).toEqual(['s3:ListBucket']);
    expect(JSON.stringify(s3Statements(planId))).toContain('pending/*');
    expect(JSON.stringify(s3Statements(planId))).not.toMatch(/incoming|exports/);

    // Each sealing step reads incoming/ and exports/, writes exports/ and its marker, removes markers only.
    for (const [step, [id]] of Object.entries(steps)) {
      const actions = index.actionsOfFunction(id);
      expect([...new Set(actions.filter((action) => action.startsWith('s3:')))].sort(), step).toEqual([
        's3:DeleteObject',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
      ]);
      const statements = s3Statements(id);
      const resourcesOf = (action: string) =>
        JSON.stringify(statements.filter((statement) => [statement.Action].flat().includes(action)).map((statement) => statement.Resource));
      expect(resourcesOf('s3:DeleteObject')).toContain('/pending/*');
      expect(resourcesOf('s3:DeleteObject')).not.toMatch(/incoming|exports/);
      expect(resourcesOf('s3:PutObject')).toContain('/exports/*');
      expect(resourcesOf('s3:PutObject')).not.toContain('/incoming/*');
      expect(actions.filter((action) => /dynamodb:(Put|Update|Delete)/.test(action))).toEqual([]);
    }
    // Only the range step reads the table (to fill sequence gaps the stream left).
    expect(index.actionsOfFunction(steps.SealRange[0])).toContain('dynamodb:Query');
    expect(index.actionsOfFunction(steps.PlanDay[0]).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(index.actionsOfFunction(steps.FinishDay[0]).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);

    // A whole vCPU for the CPU-bound steps, the full 15 minutes, /tmp for a range's sorted runs,
    // and the V8 flags the bench measured (functions/audit/seal.ts SEAL_NODE_OPTIONS).
    const nodeOptions = { Environment: { Variables: { NODE_OPTIONS: '--max-semi-space-size=2 --max-old-space-size=256' } } };
    expect(steps.PlanDay[1].Properties).toMatchObject({ MemorySize: 1769, Timeout: 900, ...nodeOptions });
    expect(steps.SealRange[1].Properties).toMatchObject({
      MemorySize: 1769,
      Timeout: 900,
      EphemeralStorage: { Size: 4096 },
      ...nodeOptions,
    });
    expect(steps.FinishDay[1].Properties).toMatchObject({ MemorySize: 512, Timeout: 300, ...nodeOptions });

    const [machineId, machine] = index
      .ofType('AWS::StepFunctions::StateMachine')
      .find(([, m]) => JSON.stringify(m.Properties!.DefinitionString).includes('SealDays'))!;
    const definitionString = machine.Properties!.DefinitionString;
    expect(typeof definitionString).toBe('string');
    const definition = JSON.parse(definitionString as string);
    const days = definition.States.SealDays;
    expect(days).toMatchObject({ Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 10, ResultPath: null });
    expect(days).not.toHaveProperty('ToleratedFailurePercentage'); // a Distributed Map field: see test/infra/workflows.test.ts
    expect(Object.keys(days.ItemProcessor.States)).toEqual(['PlanDay', 'SealRanges', 'FinishDay', 'DayFailed']);
    // Both Maps are inline (one failed item fails the Map): each step of a day that still fails
    // after its retries ends that day's item in DayFailed, and the other days go on.
    const dayFailed = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'DayFailed' }];
    for (const step of ['PlanDay', 'SealRanges', 'FinishDay']) expect(days.ItemProcessor.States[step].Catch, step).toEqual(dayFailed);
    expect(days.ItemProcessor.States.DayFailed).toEqual({ Type: 'Pass', End: true });
    const ranges = days.ItemProcessor.States.SealRanges;
    expect(ranges).toMatchObject({ Type: 'Map', ItemsPath: '$.ranges', MaxConcurrency: 8, ResultPath: null, Next: 'FinishDay' });
    // A range that fails fails its day (the ranges' Map, caught as the day's): no manifest without every range.
    expect(ranges.ItemProcessor.States.SealRange.Catch).toBeUndefined();
    // Each task state invokes its own function (its ARN substituted for the placeholder).
    const substitutions = machine.Properties!.DefinitionSubstitutions;
    for (const [step, [id]] of Object.entries(steps)) {
      expect(substitutions[step], step).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
    }
    // Each Task state times out a minute after its function would (the function's own error first).
    const taskStates = {
      PlanSeals: definition.States.PlanSeals,
      PlanDay: days.ItemProcessor.States.PlanDay,
      SealRange: ranges.ItemProcessor.States.SealRange,
      FinishDay: days.ItemProcessor.States.FinishDay,
    };
    const functionOf = {
      PlanSeals: index.resources[planId]!,
      ...Object.fromEntries(Object.entries(steps).map(([step, [, f]]) => [step, f])),
    };
    for (const [step, state] of Object.entries(taskStates)) {
      expect(state.TimeoutSeconds, step).toBe(functionOf[step as keyof typeof functionOf]!.Properties!.Timeout + 60);
    }
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(20 * * * ? *)',
      Targets: [Match.objectLike({ Arn: { Ref: machineId } })],
    });
  });

  it('lets the finance route read sealed exports (to presign them) and nothing else on the bucket', () => {
    const routeId = idOf('getAuditExport');
    const actions = index.actionsOfFunction(routeId);
    expect(actions.filter((action) => action.startsWith('s3:'))).toEqual(['s3:GetObject']);
    expect(JSON.stringify(s3Statements(routeId))).toContain('/exports/*');
    expect(JSON.stringify(s3Statements(routeId))).not.toContain('/incoming/*');
    expect(actions).toContain('kms:Decrypt');
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
  });

  it("alarms when a ledger entry is modified or removed (the exporter's metric)", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'RedRoomRewards',
      MetricName: 'LedgerEntriesModified',
      Dimensions: Match.arrayWith([{ Name: 'stage', Value: 'prod' }]),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('keeps the hash key in a generated Secrets Manager secret', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludeUppercase: true, ExcludePunctuation: true }),
    });
  });
});

describe('operations', () => {
  it("alarms to the topic on API 5xx, every function's errors and throttles, table throttles and conflicts, export lag and DLQ", () => {
    const alarms = index.ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    const [topicId] = index.ofType('AWS::SNS::Topic')[0]!;
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    for (const [fnId] of index.ofType('AWS::Lambda::Function')) {
      for (const metricName of ['Errors', 'Throttles']) {
        const found = alarms.some(
          (alarm) => alarm.MetricName === metricName && JSON.stringify(alarm.Dimensions ?? []).includes(`"Ref":"${fnId}"`),
        );
        expect(found, `${metricName} alarm for ${fnId}`).toBe(true);
      }
    }
    const text = JSON.stringify(alarms);
    for (const needle of ['5XXError', 'ThrottledRequests', 'TransactionConflict', 'IteratorAge', 'ApproximateNumberOfMessagesVisible']) {
      expect(text, needle).toContain(needle);
    }
  });

  it('has a dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
