import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { IdentitySource, RequestAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ApiFunction } from './api-function.ts';
import { PARTNER_AUTHORIZER_HANDLER } from './function-entries.ts';
import type { StageConfig } from './stage.ts';

/**
 * API keys alone are no authentication (AWS says so): every partner route also passes this
 * Lambda REQUEST authorizer, which resolves the key's keyed hash to tenant and scopes with
 * the same code the local gateway runs.
 */
export class PartnerAuthorizer extends Construct {
  readonly authorizer: RequestAuthorizer;
  readonly handler: ApiFunction;

  constructor(scope: Construct, id: string, props: { stage: StageConfig; table: Table; hashKeySecret: ISecret }) {
    super(scope, id);
    this.handler = new ApiFunction(this, 'Handler', {
      stage: props.stage,
      entry: PARTNER_AUTHORIZER_HANDLER,
      description: 'partner API key authorizer',
      tableAccess: 'read',
      table: props.table,
      hashKeySecret: props.hashKeySecret,
      timeout: Duration.seconds(5),
    });
    // It records a key's last use: UpdateItem on partner-key items only, nothing else.
    this.handler.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] } },
      }),
    );
    props.table.encryptionKey?.grant(this.handler.function, 'kms:Encrypt', 'kms:GenerateDataKey');
    this.authorizer = new RequestAuthorizer(this, 'Authorizer', {
      handler: this.handler.function,
      // The route is part of the cache key: one key's answer for one route never decides another.
      identitySources: [IdentitySource.header('x-api-key'), IdentitySource.context('httpMethod'), IdentitySource.context('resourcePath')],
      // 5 minutes: one key lookup per key and route per 5 minutes; revocation takes effect within it.
      resultsCacheTtl: Duration.minutes(5),
    });
  }
}
