import { CfnOutput, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import type { WorkflowDefinition } from '../functions/workflows/definitions.ts';
import { Alarms } from './alarms.ts';
import { ApiFunction } from './api-function.ts';
import { grantAuditAccess } from './audit-access.ts';
import { AuditBucket } from './audit-bucket.ts';
import { ServiceDashboard } from './dashboard.ts';
import { DataKey } from './data-key.ts';
import { DataTable } from './data-table.ts';
import { HashKeySecret } from './hash-key-secret.ts';
import { OperatorAuth } from './operator-auth.ts';
import { PartnerApi } from './partner-api.ts';
import { PartnerAuthorizer } from './partner-authorizer.ts';
import { AUDIT_EXPORT_HANDLER, DEFAULT_SOURCES, REPORTS_HANDLER } from './function-entries.ts';
import { ReportsProjector } from './reports-projector.ts';
import { ScheduledJobs } from './scheduled-jobs.ts';
import type { ScheduledJobDefinition } from './schedules.ts';
import type { StageConfig } from './stage.ts';
import { StreamExporter } from './stream-exporter.ts';
import { UsagePlans } from './usage-plans.ts';
import { WebAcl } from './web-acl.ts';
import { Workflows } from './workflows.ts';

export interface RedRoomRewardsStackProps extends StackProps {
  stage: StageConfig;
  /** Defaults to the route manifest; tests pass extra routes to prove kinds the manifest lacks yet. */
  routes?: RouteDefinition[];
  workflows?: WorkflowDefinition[];
  scheduledJobs?: ScheduledJobDefinition[];
}

/** The whole service on AWS, assembled from the constructs in lib/ and the manifests in functions/. */
export class RedRoomRewardsStack extends Stack {
  readonly routeFunctions = new Map<string, ApiFunction>();

  constructor(scope: Construct, id: string, props: RedRoomRewardsStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const routes = props.routes ?? DEFAULT_SOURCES.routes;

    const dataKey = new DataKey(this, 'DataKey', { stage }).key;
    const table = new DataTable(this, 'Data', { stage, encryptionKey: dataKey }).table;
    const hashKeySecret = new HashKeySecret(this, 'HashKey', { stage, encryptionKey: dataKey }).secret;
    const audit = new AuditBucket(this, 'Audit', { stage, encryptionKey: dataKey });

    for (const route of routes) {
      const fn = new ApiFunction(this, `Route-${route.operationId}`, {
        stage,
        entry: route.handler,
        description: `route ${route.operationId}: ${route.method} ${route.path}`,
        tableAccess: route.tableAccess,
        table,
        // Every HTTP handler hashes client metadata (IP, device) with the HASH_KEY.
        hashKeySecret,
      });
      if (route.auditExports === 'read') grantAuditAccess(fn, { bucket: audit.bucket, key: dataKey }, 'read-exports');
      this.routeFunctions.set(route.operationId, fn);
    }

    let partnerAuthorizer: PartnerAuthorizer | undefined;
    const operatorAuth = new OperatorAuth(this, 'Operators', { stage });
    const api = new PartnerApi(this, 'Api', {
      stage,
      routes,
      routeFunctions: new Map([...this.routeFunctions].map(([name, fn]) => [name, fn.function])),
      partnerAuthorizer: () =>
        (partnerAuthorizer ??= new PartnerAuthorizer(this, 'PartnerAuthorizer', { stage, table, hashKeySecret })).authorizer,
      operatorAuthorizer: () => operatorAuth.methodAuthorizer(),
    });
    const usagePlans = new UsagePlans(this, 'UsagePlans', { stage, api: api.api });
    for (const route of routes) {
      if (route.usageKeys === 'register') usagePlans.grantUsageKeyRegistration(this.routeFunctions.get(route.operationId)!.function);
    }
    new WebAcl(this, 'Waf', { stage, apiStage: api.api.deploymentStage });

    const exporter = new StreamExporter(this, 'AuditExport', {
      stage,
      handler: AUDIT_EXPORT_HANDLER,
      table,
      bucket: audit.bucket,
      encryptionKey: dataKey,
    });
    // The stream's second consumer, the reports read model (functions/streams/reports.ts), in a
    // nested stack of its own: this stack is at CloudFormation's 500-resource limit. Its failed
    // records go to the exporter's DLQ (alarmed); its function is alarmed like every other.
    const reports = new ReportsProjector(new NestedStack(this, 'ReportsStack', { description: 'reports read model consumer' }), 'Reports', {
      stage,
      handler: REPORTS_HANDLER,
      table,
      encryptionKey: dataKey,
      deadLetters: exporter.deadLetters,
    });
    const workflows = new Workflows(this, 'Workflows', {
      stage,
      definitions: props.workflows ?? DEFAULT_SOURCES.workflows,
      table,
      hashKeySecret,
      audit: { bucket: audit.bucket, key: dataKey },
    });
    // Wired once both exist: the state machines' ARNs into the route functions that start them,
    // and each route's rights on exactly the state machines its `workflows` names.
    for (const route of routes) workflows.grantToRoute(route, this.routeFunctions.get(route.operationId)!);
    const jobs = new ScheduledJobs(this, 'Jobs', {
      stage,
      jobs: props.scheduledJobs ?? DEFAULT_SOURCES.scheduledJobs,
      table,
      hashKeySecret,
      audit: { bucket: audit.bucket, key: dataKey },
    });

    // Every function, by a readable name, for alarms and the dashboard.
    const functions = new Map<string, IFunction>([...this.routeFunctions].map(([name, fn]) => [`route-${name}`, fn.function]));
    if (partnerAuthorizer) functions.set('partner-authorizer', partnerAuthorizer.handler.function);
    functions.set('audit-export', exporter.handler.function);
    functions.set('reports', reports.handler.function);
    for (const [name, fn] of workflows.functions) functions.set(`workflow-${name}`, fn.function);
    for (const [name, fn] of jobs.functions) functions.set(`job-${name}`, fn.function);

    const alarms = new Alarms(this, 'Alarms', { stage });
    alarms.onApi(api.api);
    for (const [name, fn] of functions) alarms.onFunction(name, fn);
    alarms.onTable(table);
    alarms.onStream(exporter.handler.function, exporter.deadLetters);
    alarms.onLedgerTamper();
    for (const [name, stateMachine] of workflows.stateMachines) alarms.onStateMachine(name, stateMachine);
    new ServiceDashboard(this, 'Dashboard', {
      stage,
      api: api.api,
      table,
      functions,
      streamConsumer: exporter.handler.function,
      deadLetters: exporter.deadLetters,
    });

    // What docs/deploy.md and scripts/provision-tenant.ts read after a deploy.
    new CfnOutput(this, 'ApiUrl', { value: api.api.urlForPath('/api/v1') });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'HashKeySecretArn', { value: hashKeySecret.secretArn });
    new CfnOutput(this, 'AuditBucketName', { value: audit.bucket.bucketName });
    new CfnOutput(this, 'OperatorUserPoolId', { value: operatorAuth.userPool.userPoolId });
    new CfnOutput(this, 'OperatorClientId', { value: operatorAuth.client.userPoolClientId });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
  }
}
