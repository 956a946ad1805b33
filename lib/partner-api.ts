import { Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  MockIntegration,
  PassthroughBehavior,
  RestApi,
  type IAuthorizer,
  type Method,
  type MethodOptions,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AuthKind, RouteDefinition } from '../functions/api/route-types.ts';
import { methodNotAllowed } from '../functions/api/route-matcher.ts';
import { addProblemGatewayResponses, problemTemplate } from './gateway-responses.ts';
import { requestValidation } from './request-models.ts';
import { dataRemovalPolicy, type StageConfig } from './stage.ts';

export interface PartnerApiProps {
  stage: StageConfig;
  routes: RouteDefinition[];
  /** The function serving each route, by operationId. */
  routeFunctions: ReadonlyMap<string, IFunction>;
  /** Authorizers are made on first use: API Gateway rejects an authorizer no method uses. */
  partnerAuthorizer: () => IAuthorizer;
  operatorAuthorizer: () => IAuthorizer;
}

/**
 * The REST API (partners and operators share it), built from the route manifest: one method
 * per route, integrated with that route's own function, behind the authorizer its auth kind
 * calls for and the request validator.
 */
export class PartnerApi extends Construct {
  readonly api: RestApi;
  readonly methods = new Map<string, Method>();

  constructor(scope: Construct, id: string, props: PartnerApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.stage.logRetention,
      removalPolicy: dataRemovalPolicy(props.stage),
    });
    this.api = new RestApi(this, 'Api', {
      restApiName: `redroomrewards-${props.stage.name}`,
      description: 'RedRoomRewards loyalty ledger API (partners: x-api-key; operators: Cognito JWT)',
      // Partners call server to server: a regional endpoint, no CloudFront in between.
      endpointTypes: [EndpointType.REGIONAL],
      // Usage plans meter the API key the partner authorizer returns (the tenant's usage
      // key), not one read from the request: partner keys are made, rotated and revoked in
      // the table alone, and API Gateway never holds one.
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
      // No CORS anywhere: no route is called from a browser today. A browser-facing route
      // would add it on its own resource, not API-wide.
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stage.name,
        tracingEnabled: true,
        // Errors only, never request or response bodies (dataTrace): bodies carry member data.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: props.stage.apiThrottle.rateLimit,
        throttlingBurstLimit: props.stage.apiThrottle.burstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // Ids, codes and timings only: no source IP or user agent (client PII), no key.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            method: '$context.httpMethod',
            resource: '$context.resourcePath',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integration.latency',
            tenantId: '$context.authorizer.tenantId',
            keyId: '$context.authorizer.keyId',
            operator: '$context.authorizer.claims.sub',
            errorType: '$context.error.responseType',
            wafStatus: '$context.wafResponseCode',
          }),
        ),
      },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway itself assumes to write execution logs (required by APIG6); AWS maintains ' +
        'this policy for exactly that service role.',
    });
    addProblemGatewayResponses(this.api);

    const validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    for (const route of props.routes) {
      const fn = props.routeFunctions.get(route.operationId);
      if (!fn) throw new Error(`No function for route ${route.operationId}`);
      const method = this.api.root.resourceForPath(route.path).addMethod(
        route.method,
        // No test-invoke permission: one invoke permission per method, scoped to it.
        new LambdaIntegration(fn, { allowTestInvoke: false }),
        {
          operationName: route.operationId,
          requestValidator: validator,
          ...requestValidation(this.api, route),
          ...this.authOptions(route.auth, props),
        },
      );
      acknowledgeAuthFindings(method, route.auth);
      this.methods.set(route.operationId, method);
    }
    this.addMethodNotAllowed(props.routes);
  }

  /**
   * API Gateway answers a method a resource lacks as it answers an unknown path (the
   * MISSING_AUTHENTICATION_TOKEN response, our 404). An ANY method on every resource with
   * routes catches the other methods (declared methods take precedence) and answers, from a
   * mock integration that reaches no function, the 405 method_not_allowed problem with the
   * Allow header the local gateway sends.
   */
  private addMethodNotAllowed(routes: RouteDefinition[]): void {
    const methodsByPath = new Map<string, string[]>();
    for (const route of routes) methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
    for (const [path, methods] of methodsByPath) {
      const { detail, allow } = methodNotAllowed(methods);
      const headers = { Allow: allow, 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' };
      const method = this.api.root.resourceForPath(path).addMethod(
        'ANY',
        new MockIntegration({
          // Bodies that are not JSON get API Gateway's 415 (our unsupported_media_type problem) instead.
          passthroughBehavior: PassthroughBehavior.NEVER,
          requestTemplates: { 'application/json': '{"statusCode": 405}' },
          integrationResponses: [
            {
              statusCode: '405',
              responseParameters: Object.fromEntries(
                Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, `'${value}'`]),
              ),
              responseTemplates: { 'application/json': problemTemplate('method_not_allowed', detail) },
            },
          ],
        }),
        {
          authorizationType: AuthorizationType.NONE,
          methodResponses: [
            {
              statusCode: '405',
              responseParameters: Object.fromEntries(Object.keys(headers).map((name) => [`method.response.header.${name}`, true])),
            },
          ],
        },
      );
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason: 'A mock integration answering 405 method_not_allowed for methods the resource lacks; it reaches no function and no data.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason: 'A mock integration answering 405 method_not_allowed for methods the resource lacks; it reaches no function and no data.',
        },
      );
    }
  }

  private authOptions(auth: AuthKind, props: PartnerApiProps): MethodOptions {
    switch (auth) {
      case 'public':
        return { authorizationType: AuthorizationType.NONE };
      case 'partner':
        // The authorizer authenticates and names the tenant's usage key; the usage plan
        // (apiKeyRequired) meters and throttles by it.
        return { authorizer: props.partnerAuthorizer(), apiKeyRequired: true };
      case 'operator':
        return { authorizer: props.operatorAuthorizer(), authorizationType: AuthorizationType.COGNITO };
    }
  }
}

function acknowledgeAuthFindings(method: Method, auth: AuthKind): void {
  if (auth === 'public') {
    Validations.of(method).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: 'Public by the spec (health check, OpenAPI document): they read no tenant data.' },
      { id: 'AwsSolutions-COG4', reason: 'Public by the spec (health check, OpenAPI document): no caller identity is needed.' },
    );
  } else if (auth === 'partner') {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Partner routes are server-to-server: authenticated by the Lambda REQUEST authorizer that resolves the partner key ' +
        'to tenant and scopes, plus API key usage plans. Cognito is for operator routes.',
    });
  }
}
