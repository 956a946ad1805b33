import { SEAL_NODE_OPTIONS } from '../audit/seal.ts';
import { MAX_APPROVAL_EXPIRY_DAYS } from '../domain/approvals.ts';
import type { TableAccess } from '../domain/vocabulary.ts';
import { MAX_HOLD_SECONDS } from '../../schemas/redemptions.ts';

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
  /** Completes its own workflow's waiting task (states:SendTaskSuccess on that state machine). */
  completesTasks?: boolean;
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

/** The Lambda integration that waits for a callback: the function gets `$$.Task.Token` and the state waits for SendTaskSuccess with it. */
export const CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

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

/** A day's step that still fails after its retries ends the day's item in DayFailed, its error at `$.error`. */
const dayFailed = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'DayFailed' }];

/**
 * Fields of a Map state that belong to Distributed mode only (AWS Step Functions, "Distributed
 * Map state fields"; the tolerated failure threshold is a Map Run's). An inline Map carrying one
 * is not what it reads as: ToleratedFailurePercentage does not make an inline Map tolerate
 * anything. lib/workflows.ts refuses such a definition at synth and the local runner refuses to run it.
 */
export const DISTRIBUTED_MAP_FIELDS = [
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'Label',
] as const;

/** Every state of a definition with its path (`SealDays.SealRanges`), Map item processors and Parallel branches included. */
export function allStates(definition: Pick<AslDefinition, 'States'>, prefix = ''): { path: string; name: string; state: AslState }[] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const path = `${prefix}${name}`;
    const nested = [
      ...(state.Type === 'Map' ? [(state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined] : []),
      ...(state.Type === 'Parallel' ? ((state.Branches as AslDefinition[] | undefined) ?? []) : []),
    ];
    return [{ path, name, state }, ...nested.flatMap((inner) => (inner?.States ? allStates(inner, `${path}.`) : []))];
  });
}

/** The mode a Map state runs in: INLINE unless its processor says otherwise. */
export function mapMode(state: AslState): string {
  const processor = (state.ItemProcessor ?? {}) as { ProcessorConfig?: { Mode?: string } };
  return processor.ProcessorConfig?.Mode ?? 'INLINE';
}

/** Each inline Map of a definition that carries a Distributed-only field, named: none in a sound definition. */
export function inlineMapProblems(definition: Pick<AslDefinition, 'States'>): string[] {
  return allStates(definition)
    .filter(({ state }) => state.Type === 'Map' && mapMode(state) === 'INLINE')
    .flatMap(({ path, state }) =>
      DISTRIBUTED_MAP_FIELDS.filter((field) => field in state).map(
        (field) => `state ${path}: ${field} belongs to Distributed Map; this Map is INLINE, where one failed item fails the Map`,
      ),
    );
}

/** The AuditSeal workflow's Lambdas, by the name of the Task state that invokes each. */
const sealTasks = {
  PlanSeals: {
    handler: 'functions/workflows/audit-seal/plan-seals.ts',
    tableAccess: 'none',
    auditBucket: 'plan-seals',
    // One small listing of pending/ (the functions' default timeout, stated).
    timeoutSeconds: 10,
  },
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
} satisfies Record<string, WorkflowTask & { timeoutSeconds: number }>;

/**
 * A Task state's TimeoutSeconds: its Lambda's timeout and a minute more (the state's clock starts
 * before the function's, so the function's own timeout error normally comes first). Without it
 * AWS waits for the Lambda alone (the States Language sets no task timeout), while
 * aws-local-stepfunctions gives a Task 60 s: stated, both stop a task at the same point.
 */
const taskTimeout = (task: { timeoutSeconds: number }) => task.timeoutSeconds + 60;

/**
 * Every hour: the closed tenant-days that changed since their seal (the exporter's pending/
 * markers), each in its own Map item, several at once, so one big tenant never holds up
 * another. Each day is planned (PlanDay: cut into ranges of its sort order, one unless the day
 * is big), its ranges sealed in parallel, each by its own invocation (SealRange), then joined
 * under its manifest (FinishDay): the largest work one invocation does is one range plus a cheap
 * scan of the day, whatever the day's size (functions/audit/seal.ts). A tenant-day whose step
 * keeps failing (after its retries) ends its own item in DayFailed, which records the error: both
 * Maps are inline, and an inline Map fails as a whole when one item fails (stopping the others),
 * so each day catches its own failure and the other days go on. Its functions' errors still
 * alarm, and its marker stays for the next run (only a sealed day removes it).
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
        TimeoutSeconds: taskTimeout(sealTasks.PlanSeals),
        Retry: retry(10),
        Next: 'SealDays',
      },
      SealDays: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: SEAL_DAYS_AT_ONCE,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'PlanDay',
          States: {
            PlanDay: {
              Type: 'Task',
              Resource: taskPlaceholder('PlanDay'),
              TimeoutSeconds: taskTimeout(sealTasks.PlanDay),
              Retry: retry(30),
              Catch: dayFailed,
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
                    TimeoutSeconds: taskTimeout(sealTasks.SealRange),
                    Retry: retry(30),
                    End: true,
                  },
                },
              },
              // FinishDay takes PlanDay's output: the ranges left their summaries in the bucket.
              ResultPath: null,
              // A range that fails (after its retries) fails this Map, and so its day: no manifest without every range.
              Catch: dayFailed,
              Next: 'FinishDay',
            },
            FinishDay: {
              Type: 'Task',
              Resource: taskPlaceholder('FinishDay'),
              TimeoutSeconds: taskTimeout(sealTasks.FinishDay),
              Retry: retry(30),
              Catch: dayFailed,
              End: true,
            },
            // The day's item ends here: its output, in the execution history, is the failed step's
            // input (the tenant-day, or its plan) with the error at `error`. No path to resolve, so
            // this state cannot fail itself. The day's marker stays: the next run plans it again.
            DayFailed: { Type: 'Pass', End: true },
          },
        },
        ResultPath: null,
        End: true,
      },
    },
  },
  tasks: sealTasks,
};

/** The Approval workflow's Lambdas: small table work each. */
const approvalTasks = {
  AwaitDecision: {
    handler: 'functions/workflows/approval/await-decision.ts',
    tableAccess: 'readwrite',
    completesTasks: true,
    timeoutSeconds: 10,
  },
  ExpireIfUndecided: { handler: 'functions/workflows/approval/expire-if-undecided.ts', tableAccess: 'readwrite', timeoutSeconds: 10 },
  ApplyApproval: { handler: 'functions/workflows/approval/apply-approval.ts', tableAccess: 'readwrite', timeoutSeconds: 30 },
} satisfies Record<string, WorkflowTask & { timeoutSeconds: number }>;

/** Lambda's transient failures of an invocation (not the function's own errors), retried on every Task that calls one. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * One approval request, from its creation to its end. AwaitDecision hands the request and the
 * state's callback token to its function, which stores the token; the state then waits, without
 * polling and at no cost, until a decision route completes it with the request's status (or the
 * wait, `waitSeconds`, a little longer than the request's life, times out: ExpireIfUndecided
 * marks the request expired unless an approval landed just in time). An approved request's
 * action runs in ApplyApproval through the one command path, under the request's own idempotency
 * key, retried until it lands: however often it runs, it applies once. The execution is named
 * after the request, so starting it twice starts it once. Generic over the request's kind:
 * merges and transfer reversals reuse it with their own action.
 */
export const approvalWorkflow: WorkflowDefinition = {
  name: 'Approval',
  definition: {
    Comment: 'An approval request: wait for the decision (callback), then apply the approved action once, or expire',
    StartAt: 'AwaitDecision',
    // The longest wait a tenant may configure, and a day to apply and expire in.
    TimeoutSeconds: (MAX_APPROVAL_EXPIRY_DAYS + 1) * 86_400,
    States: {
      AwaitDecision: {
        Type: 'Task',
        Resource: CALLBACK_RESOURCE,
        Parameters: {
          FunctionName: taskPlaceholder('AwaitDecision'),
          Payload: { 'taskToken.$': '$$.Task.Token', 'tenantId.$': '$.tenantId', 'approvalId.$': '$.approvalId' },
        },
        TimeoutSecondsPath: '$.waitSeconds',
        // The function's own failures (States.TaskFailed never matches the wait's timeout): store the token again.
        Retry: [{ ErrorEquals: [...LAMBDA_SERVICE_ERRORS, 'States.TaskFailed'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 }],
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'ExpireIfUndecided' }],
        ResultPath: '$.decision',
        Next: 'Decided',
      },
      ExpireIfUndecided: {
        Type: 'Task',
        Resource: taskPlaceholder('ExpireIfUndecided'),
        TimeoutSeconds: taskTimeout(approvalTasks.ExpireIfUndecided),
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 }],
        ResultPath: '$.decision',
        Next: 'Decided',
      },
      Decided: {
        Type: 'Choice',
        Choices: [{ Variable: '$.decision.status', StringEquals: 'approved', Next: 'ApplyApproval' }],
        // Rejected or expired: nothing to apply. (Applied: an earlier execution did it.)
        Default: 'Closed',
      },
      ApplyApproval: {
        Type: 'Task',
        Resource: taskPlaceholder('ApplyApproval'),
        TimeoutSeconds: taskTimeout(approvalTasks.ApplyApproval),
        // A refusal (the account gone) will not change: the execution fails, and alarms. Anything else
        // (a contended account, a dependency down): the same key again until it lands (about an hour of attempts).
        Retry: [
          { ErrorEquals: ['ApplyFailed'], MaxAttempts: 0 },
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 12, BackoffRate: 2, MaxDelaySeconds: 600 },
        ],
        ResultPath: '$.outcome',
        End: true,
      },
      Closed: { Type: 'Succeed' },
    },
  },
  tasks: approvalTasks,
};

/** The RedemptionHold workflow's one Lambda: a small table write. */
const holdTasks = {
  ExpireHold: { handler: 'functions/workflows/redemption-hold/expire-hold.ts', tableAccess: 'readwrite', timeoutSeconds: 10 },
} satisfies Record<string, WorkflowTask & { timeoutSeconds: number }>;

/**
 * A two-phase redemption's timer: waits, at no cost, until the hold's end (`expiresAt`), then
 * closes it as expired unless it was committed or released meanwhile. The hold stopped
 * reserving at its end by itself (functions/domain/holds.ts): this tidies the wallet and frees
 * the order record, so a late or retried run changes nothing that matters. Started by the hold
 * route under the hold's id, so a retried request starts it once.
 */
export const redemptionHoldWorkflow: WorkflowDefinition = {
  name: 'RedemptionHold',
  definition: {
    Comment: "A redemption hold's timer: at its end, expire it unless committed or released",
    StartAt: 'UntilHoldEnds',
    // The longest hold, and a day of retries.
    TimeoutSeconds: MAX_HOLD_SECONDS + 86_400,
    States: {
      UntilHoldEnds: { Type: 'Wait', TimestampPath: '$.expiresAt', Next: 'ExpireHold' },
      ExpireHold: {
        Type: 'Task',
        Resource: taskPlaceholder('ExpireHold'),
        TimeoutSeconds: taskTimeout(holdTasks.ExpireHold),
        // Early by a clock's skew (hold_not_due), a contended account, a dependency down: again, for about an hour.
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 12, BackoffRate: 2, MaxDelaySeconds: 600 }],
        End: true,
      },
    },
  },
  tasks: holdTasks,
};

export const workflowDefinitions: WorkflowDefinition[] = [auditSealWorkflow, approvalWorkflow, redemptionHoldWorkflow];
