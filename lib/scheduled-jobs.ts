import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ApiFunction } from './api-function.ts';
import { grantAuditAccess } from './audit-access.ts';
import type { ScheduledJobDefinition } from './schedules.ts';
import type { StageConfig } from './stage.ts';

/** Each run stops taking new work 10 s before this (functions/usecases/expire-lots.ts); the next run goes on. */
export const JOB_TIMEOUT_MINUTES = 5;

/** One function and one EventBridge schedule per job in lib/schedules.ts. */
export class ScheduledJobs extends Construct {
  readonly functions = new Map<string, ApiFunction>();

  constructor(
    scope: Construct,
    id: string,
    props: {
      stage: StageConfig;
      jobs: ScheduledJobDefinition[];
      table: Table;
      hashKeySecret: ISecret;
      audit: { bucket: Bucket; key: IKey };
    },
  ) {
    super(scope, id);
    for (const job of props.jobs) {
      const fn = new ApiFunction(this, `Job-${job.name}`, {
        stage: props.stage,
        entry: job.handler,
        description: `scheduled job ${job.name}`,
        tableAccess: job.tableAccess,
        table: props.table,
        // Least privilege: the secret only for a job that computes keyed hashes.
        ...(job.hashKey ? { hashKeySecret: props.hashKeySecret } : {}),
        timeout: Duration.minutes(JOB_TIMEOUT_MINUTES),
        ...(job.memorySize ? { memorySize: job.memorySize } : {}),
      });
      if (job.auditBucket) grantAuditAccess(fn, props.audit, job.auditBucket);
      new Rule(this, `Schedule-${job.name}`, {
        schedule: Schedule.cron(job.cron),
        // A sweep is idempotent: EventBridge may retry it, and the next run catches up anyway.
        targets: [new LambdaFunction(fn.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      });
      this.functions.set(job.name, fn);
    }
  }
}
