import { SEAL_NODE_OPTIONS } from '../audit/seal.ts';
import type { TableAccess } from '../domain/vocabulary.ts';

/**
 * Every Step Functions workflow, once. The CDK stack deploys each definition with its tasks'
 * Lambda ARNs substituted in (lib/workflows.ts); the local runner executes the same
 * definition with the same handler modules called in-process. Approvals, merges and escrow
 * releases join this list as their issues land.
 */

/** A state of an Amazon States Language document, kept loose: the ASL specification is the schema. */
export type AslState = { Type: 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map' } & Record<string, unknown>;

export interface AslDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
}

/** The Lambda a Task state invokes: a handler module (relative to the repo root, exporting `handler`). */
export interface WorkflowTask {
  handler: string;
  tableAccess: TableAccess;
  /** Audit bucket rights (lib/audit-access.ts), when the task reads or writes it. */
  auditBucket?: 'plan-seals' | 'seal';
  memorySize?: number;
  timeoutSeconds?: number;
  /** Lambda /tmp size, for work spilled to disk. */
  ephemeralStorageMiB?: number;
  /** NODE_OPTIONS for the function (V8 flags measured for its workload). */
  nodeOptions?: string;
}

export interface WorkflowDefinition {
  /** Stable PascalCase name: the state machine's logical id. */
  name: string;
  definition: AslDefinition;
  /**
   * Lambda tasks by state name. In the ASL such a state's `Resource` (or its `FunctionName`
   * parameter for the `.waitForTaskToken` pattern) is `taskPlaceholder(stateName)`; CDK
   * substitutes the function's ARN, and the local runner uses the state name as its
   * `taskResourceLocalHandlers` key. State names used here must be alphanumeric.
   */
  tasks: Record<string, WorkflowTask>;
  /** Started by EventBridge on this UTC cron, when it runs on a schedule. */
  schedule?: { minute: string; hour: string };
}

/** The string a Task state puts where its Lambda ARN goes. */
export const taskPlaceholder = (stateName: string) => `\${${stateName}}`;

/**
 * Every hour: the closed tenant-days that changed since their seal (the exporter's pending/
 * markers), each sealed by its own invocation, several at once, so one big tenant never holds
 * up another. A tenant-day that keeps failing fails its own item only (tolerated by the Map; its
 * function's errors alarm, and its marker stays for the next run).
 */
export const auditSealWorkflow: WorkflowDefinition = {
  name: 'AuditSeal',
  schedule: { minute: '20', hour: '*' },
  definition: {
    Comment: 'Seals each changed, closed tenant-day of the audit export in its own invocation',
    StartAt: 'PlanSeals',
    TimeoutSeconds: 3 * 3600,
    States: {
      PlanSeals: {
        Type: 'Task',
        Resource: taskPlaceholder('PlanSeals'),
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 2, BackoffRate: 2 }],
        Next: 'SealDays',
      },
      SealDays: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 10,
        ToleratedFailurePercentage: 100,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'SealDay',
          States: {
            SealDay: {
              Type: 'Task',
              Resource: taskPlaceholder('SealDay'),
              Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2 }],
              End: true,
            },
          },
        },
        ResultPath: null,
        End: true,
      },
    },
  },
  tasks: {
    PlanSeals: { handler: 'functions/workflows/audit-seal/plan-seals.ts', tableAccess: 'none', auditBucket: 'plan-seals' },
    SealDay: {
      handler: 'functions/workflows/audit-seal/seal-day.ts',
      // Reads the table only to fill sequence gaps the stream left.
      tableAccess: 'read',
      auditBucket: 'seal',
      // Flat in the day's size (bench/results.md); the time is what grows: 15 minutes is the limit.
      memorySize: 1024,
      timeoutSeconds: 900,
      ephemeralStorageMiB: 10_240,
      nodeOptions: SEAL_NODE_OPTIONS,
    },
  },
};

export const workflowDefinitions: WorkflowDefinition[] = [auditSealWorkflow];
