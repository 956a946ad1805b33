import { Duration, Size, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TableAccess } from '../functions/domain/vocabulary.ts';
import { createTableInput } from '../functions/store/table-definition.ts';
import { aliasArgs, esbuildOptions } from './bundle-options.ts';
import { logicalIdOf } from './logical-id.ts';
import { fromRepoRoot, REPO_ROOT } from './repo-root.ts';
import { dataRemovalPolicy, type StageConfig } from './stage.ts';

/**
 * Table actions per access level. Nothing may Scan (no request path scans) or DeleteItem (the
 * ledger is append-only; idempotency records leave through TTL). A route that needs more
 * adds it here, with its reason, for every function of its level.
 */
export const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  none: [],
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  // TransactWriteItems is authorised per item action: Put, Update and ConditionCheck.
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:ConditionCheckItem',
  ],
};

/** KMS actions on the table's key per access level: what aws-cdk-lib's own table grants give, without wildcards. */
const KEY_ACTIONS: Record<TableAccess, string[]> = {
  none: [],
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  readwrite: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
};

export interface ApiFunctionProps {
  stage: StageConfig;
  /** Handler module relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  tableAccess: TableAccess;
  table: Table;
  /** Functions that compute keyed hashes (every HTTP handler does) get the HASH_KEY secret. */
  hashKeySecret?: ISecret;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /** /tmp beyond Lambda's 512 MiB, for work spilled to disk (the audit sealer's buckets). */
  ephemeralStorageMiB?: number;
}

/**
 * The one function construct: every Lambda of the service is built here, so runtime, CPU
 * architecture, bundling, tracing, log retention and IAM are decided once.
 */
export class ApiFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.stage.logRetention,
      removalPolicy: dataRemovalPolicy(props.stage),
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `RedRoomRewards ${props.stage.name}: ${props.description}`,
    });
    logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'redroomrewards',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      STAGE: props.stage.name,
      ...(props.tableAccess !== 'none' ? { TABLE_NAME: props.table.tableName } : {}),
      ...(props.hashKeySecret ? { HASH_KEY_SECRET_ARN: props.hashKeySecret.secretArn } : {}),
      ...props.environment,
    };

    this.function = new NodejsFunction(this, 'Function', {
      entry: fromRepoRoot(props.entry),
      handler: 'handler',
      description: props.description,
      projectRoot: REPO_ROOT,
      depsLockFilePath: fromRepoRoot('package-lock.json'),
      // Node.js 24 is the newest Lambda runtime (22 is the other supported choice); ARM64
      // (Graviton) costs about 20% less per GB-second than x86 for the same code.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.ephemeralStorageMiB ? { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMiB) } : {}),
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      environment,
      // NodejsFunction always bundles for the node platform, tree-shaken; the rest is shared.
      bundling: {
        format: esbuildOptions.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
        target: esbuildOptions.target,
        minify: esbuildOptions.minify,
        sourceMap: esbuildOptions.sourcemap,
        // Empty, not omitted: NodejsFunction's default leaves `@aws-sdk/*` to the runtime.
        externalModules: [...esbuildOptions.external],
        mainFields: [...esbuildOptions.mainFields],
        // NodejsFunction has no `alias` property: the aliases (lib/bundle-options.ts) go as
        // esbuild's own flags (local bundling spawns esbuild with an argument list, no shell).
        esbuildArgs: aliasArgs(),
      },
    });

    if (TABLE_ACTIONS[props.tableAccess].length > 0) {
      // Table.grant covers the table and its indexes (for Query on GSI1) and nothing else.
      props.table.grant(this.function, ...TABLE_ACTIONS[props.tableAccess]);
      props.table.encryptionKey?.grant(this.function, ...KEY_ACTIONS[props.tableAccess]);
      if (createTableInput('unused').GlobalSecondaryIndexes.length > 0) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.table)}.Arn>/index/*]`,
          reason:
            "Query on the table's own global secondary indexes (GSI1, the expiry index); the wildcard is limited to indexes of this one table.",
        });
      }
    }
    props.hashKeySecret?.grantRead(this.function);

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }
}
