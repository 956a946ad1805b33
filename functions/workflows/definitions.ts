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

/** How many tenant-days, and how many ranges of each, are sealed at once (AWS acts on both: Lambda concurrency). */
export const SEAL_DAYS_AT_ONCE = 10;
export const SEAL_RANGES_AT_ONCE = 8;
/**
 * The sealing steps' Lambda size: CPU grows with memory (1,769 MB is one full vCPU) and sealing
 * is CPU-bound, so the time-bound steps get a whole vCPU for the same cost per record; memory
 * itself stays near 100 MB at any day size (bench/results.md).
 */
export const SEAL_MEMORY_MB = 1769;

const retry = (intervalSeconds: number) => [
  { ErrorEquals: ['States.ALL'], IntervalSeconds: intervalSeconds, MaxAttempts: 2, BackoffRate: 2 },
];

/**
 * Every hour: the closed tenant-days that changed since their seal (the exporter's pending/
 * markers), each in its own Map item, several at once, so one big tenant never holds up
 * another. Each day is planned (PlanDay: cut into ranges of its sort order, one unless the day
 * is big), its ranges sealed in parallel, each by its own invocation (SealRange), then joined
 * under its manifest (FinishDay): the largest work one invocation does is one range plus a cheap
 * scan of the day, whatever the day's size (functions/audit/seal.ts). A tenant-day that keeps
 * failing fails its own item only (tolerated by the outer Map; its functions' errors alarm, and
 * its marker stays for the next run).
 */
export const auditSealWorkflow: WorkflowDefinition = {
  name: 'AuditSeal',
  schedule: { minute: '20', hour: '*' },
  definition: {
    Comment: 'Seals each changed, closed tenant-day of the audit export: planned, sealed in ranges, joined',
    StartAt: 'PlanSeals',
    TimeoutSeconds: 3 * 3600,
    States: {
      PlanSeals: {
        Type: 'Task',
        Resource: taskPlaceholder('PlanSeals'),
        Retry: retry(10),
        Next: 'SealDays',
      },
      SealDays: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: SEAL_DAYS_AT_ONCE,
        ToleratedFailurePercentage: 100,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'PlanDay',
          States: {
            PlanDay: {
              Type: 'Task',
              Resource: taskPlaceholder('PlanDay'),
              Retry: retry(30),
              Next: 'SealRanges',
            },
            SealRanges: {
              Type: 'Map',
              ItemsPath: '$.ranges',
              MaxConcurrency: SEAL_RANGES_AT_ONCE,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'SealRange',
                States: {
                  SealRange: {
                    Type: 'Task',
                    Resource: taskPlaceholder('SealRange'),
                    Retry: retry(30),
                    End: true,
                  },
                },
              },
              // FinishDay takes PlanDay's output: the ranges left their summaries in the bucket.
              ResultPath: null,
              Next: 'FinishDay',
            },
            FinishDay: {
              Type: 'Task',
              Resource: taskPlaceholder('FinishDay'),
              Retry: retry(30),
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
    PlanDay: {
      handler: 'functions/workflows/audit-seal/plan-day.ts',
      tableAccess: 'none',
      auditBucket: 'seal',
      // Scans the day once: 10 million records in about 2 minutes here (bench/results.md).
      memorySize: SEAL_MEMORY_MB,
      timeoutSeconds: 900,
      nodeOptions: SEAL_NODE_OPTIONS,
    },
    SealRange: {
      handler: 'functions/workflows/audit-seal/seal-range.ts',
      // Reads the table only to fill sequence gaps the stream left.
      tableAccess: 'read',
      auditBucket: 'seal',
      memorySize: SEAL_MEMORY_MB,
      timeoutSeconds: 900,
      // Sorted runs of one range (at most RANGE_MAX_RECORDS records, about 200 MB of text here).
      ephemeralStorageMiB: 4096,
      nodeOptions: SEAL_NODE_OPTIONS,
    },
    FinishDay: {
      handler: 'functions/workflows/audit-seal/finish-day.ts',
      tableAccess: 'none',
      auditBucket: 'seal',
      // Reads the plan and one small summary per range, writes one index object and the manifest.
      memorySize: 512,
      timeoutSeconds: 300,
      nodeOptions: SEAL_NODE_OPTIONS,
    },
  },
};

export const workflowDefinitions: WorkflowDefinition[] = [auditSealWorkflow];
