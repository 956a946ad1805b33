import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  type AslDefinition,
  allStates,
  CALLBACK_RESOURCE,
  DISTRIBUTED_MAP_FIELDS,
  mapMode,
  taskPlaceholder,
  type WorkflowDefinition,
} from '../functions/workflows/definitions.ts';

/**
 * Runs a workflow definition from functions/workflows/definitions.ts in-process with
 * aws-local-stepfunctions, so the local service executes the very document CDK deploys: each
 * task's placeholder is replaced by a Lambda ARN as CDK's definition substitutions do, the
 * library validates the result (asl-validator, ARNs and paths checked) and interprets it, and
 * each Task state calls its handler module in-process (`taskResourceLocalHandlers`, keyed by
 * state name). What this file adds is the part the library leaves to its user:
 *
 * - Retry intervals are overridden to 0: locally a retry runs at once (the attempts are the
 *   definition's). Executions keep no history beyond the library's event log.
 * - The callback pattern (`lambda:invoke.waitForTaskToken`), which the library does not
 *   implement: such a state's local handler mints a token for the attempt, puts it where the
 *   definition put `$$.Task.Token`, calls the function with the state's Payload and then waits
 *   on `callbacks` (local/step-functions-server.ts resolves it on SendTaskSuccess). The state's
 *   own timeout (TimeoutSecondsPath included) is the library's, as is Retry and Catch.
 * - It refuses what the library would not run as AWS does instead of running it differently:
 *   a Task whose Resource is not its own placeholder or the callback integration naming it (the
 *   library would call a real Lambda), Distributed Map (ItemReader,
 *   ItemBatcher, ResultWriter, tolerated failure thresholds, Label: the library ignores them and
 *   runs every Map inline), and JSONata and variables (QueryLanguage, Assign, Arguments, Output:
 *   not implemented in 3.0.0). And a Task must state its TimeoutSeconds: the library gives a
 *   Task without one 60 s, where AWS waits for the Lambda's own timeout (the definitions state
 *   it on every Task).
 */

export type TaskHandler = (input: never) => Promise<unknown>;

/** Where a callback state's wait ends: the token's output, or its failure. */
export interface TaskCallbacks {
  wait(taskToken: string): Promise<unknown>;
  /** The state's function has run: the execution now waits for the token (or it entered a Wait state: no token). */
  parked?(taskToken: string): void;
}

export interface RunOptions {
  /** For definitions with callback states. */
  callbacks?: TaskCallbacks;
  /** Stops the execution (it then fails): a local service shutting down. */
  signal?: AbortSignal;
  /**
   * Hears of each failed call of a task handler, before Retry or Catch decide what follows: on
   * AWS each such call is a Lambda error, which the function's Errors alarm counts.
   */
  onTaskError?: (state: string, error: Error) => void;
}

/** Fields the library does not implement (aws-local-stepfunctions 3.0.0): JSONata and workflow variables. */
const NOT_RUN_LOCALLY = ['QueryLanguage', 'Assign', 'Arguments', 'Output'];

/** The ARN a task's placeholder becomes locally: well-formed for the validator, never called (every Task has a local handler). */
const localArn = (state: string) => `arn:aws:lambda:us-east-1:000000000000:function:rrr-local-${state}`;

/** The handler module of each task, imported from the repository as the Lambda bundles it. */
export async function loadTaskHandlers(workflow: WorkflowDefinition, rootDir: string): Promise<Record<string, TaskHandler>> {
  const handlers: Record<string, TaskHandler> = {};
  for (const [state, task] of Object.entries(workflow.tasks)) {
    const module = (await import(pathToFileURL(join(rootDir, task.handler)).href)) as { handler: TaskHandler };
    handlers[state] = module.handler;
  }
  return handlers;
}

/** What in a definition this runner refuses, each named by state: empty when it runs as on AWS. */
export function localRunProblems(definition: Pick<AslDefinition, 'StartAt' | 'States'>, tasks: Record<string, TaskHandler>): string[] {
  const problems: string[] = [];
  if ('QueryLanguage' in definition) problems.push('QueryLanguage is not run locally');
  for (const { path, name, state } of allStates(definition)) {
    for (const field of NOT_RUN_LOCALLY) if (field in state) problems.push(`state ${path}: ${field} is not run locally`);
    if (state.Type === 'Task') {
      const functionName = (state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName;
      if (state.Resource === CALLBACK_RESOURCE) {
        if (functionName !== taskPlaceholder(name))
          problems.push(`state ${path}: Parameters.FunctionName must be ${taskPlaceholder(name)} to run locally`);
      } else if (state.Resource !== taskPlaceholder(name))
        problems.push(`state ${path}: Resource must be ${taskPlaceholder(name)} to run locally`);
      else if (!tasks[name]) problems.push(`state ${path}: no task handler`);
      if (!('TimeoutSeconds' in state || 'TimeoutSecondsPath' in state))
        problems.push(`state ${path}: TimeoutSeconds must be stated to run locally (60 s here, none on AWS)`);
    }
    if (state.Type === 'Map') {
      if (mapMode(state) !== 'INLINE') problems.push(`state ${path}: only inline Maps are run locally`);
      for (const field of DISTRIBUTED_MAP_FIELDS) if (field in state) problems.push(`state ${path}: ${field} is not run locally`);
    }
  }
  return problems;
}

/**
 * Runs one execution to its end and returns its output. A failed execution rejects with the
 * error that failed it (a task's own error, or the library's `States.*` error).
 */
export async function runWorkflow(
  definition: Pick<AslDefinition, 'StartAt' | 'States'> & { TimeoutSeconds?: number },
  tasks: Record<string, TaskHandler>,
  input: unknown,
  options: RunOptions = {},
): Promise<unknown> {
  const problems = localRunProblems(definition, tasks);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const states = allStates(definition);
  // What CDK's definitionSubstitutions do to the same document on deploy, with local ARNs.
  const substituted = JSON.parse(
    JSON.stringify(definition).replace(/\$\{([A-Za-z0-9]+)\}/g, (placeholder, state: string) =>
      tasks[state] ? localArn(state) : placeholder,
    ),
  ) as StateMachineDefinition;
  timeoutPathsFromStateInput(substituted as unknown as AslDefinition);
  const machine = new StateMachine(substituted);
  // What `$$.Task.Token` reads in this execution; each callback attempt swaps in a token of its own.
  const tokenSlot = `rrr-local-token-slot-${randomUUID()}`;

  const handlers = Object.fromEntries(
    states
      .filter(({ state }) => state.Type === 'Task')
      .map(({ name, state }) => {
        const call = async (value: unknown) => {
          try {
            return await tasks[name]!(value as never);
          } catch (error) {
            options.onTaskError?.(name, error as Error);
            throw error;
          }
        };
        if (state.Resource !== CALLBACK_RESOURCE) return [name, call];
        return [
          name,
          async (parameters: { Payload?: unknown }) => {
            const { callbacks } = options;
            if (!callbacks) throw new Error(`state ${name} waits for a callback: runWorkflow needs options.callbacks`);
            const taskToken = `${randomUUID()}${randomUUID()}`.replaceAll('-', '');
            // Listening before the function runs: it may complete its own task (a decision made before the token was stored).
            const completed = callbacks.wait(taskToken);
            // Its failure is the state's when awaited below; once the state has moved on (timed out, the function failed), nobody's.
            completed.catch(() => undefined);
            await call(JSON.parse(JSON.stringify(parameters.Payload ?? {}).replaceAll(tokenSlot, taskToken)));
            callbacks.parked?.(taskToken);
            return completed;
          },
        ];
      }),
  );
  const retryIntervalOverrides = Object.fromEntries(states.filter(({ state }) => 'Retry' in state).map(({ name }) => [name, 0]));
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
    context: { Task: { Token: tokenSlot } } as never,
  });
  options.signal?.addEventListener('abort', () => execution.abort(), { once: true });
  if (states.some(({ state }) => state.Type === 'Wait')) void reportWaits(execution.eventLogs, options.callbacks);
  try {
    return await execution.result;
  } catch (error) {
    throw error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  }
}

/**
 * A Wait state is a pause like a callback's: the execution goes on by itself later (at its
 * timestamp), so whoever waits for the execution to pause (StartExecution here) is told.
 */
async function reportWaits(events: AsyncGenerator<{ type: string; state?: { type: string } }>, callbacks: TaskCallbacks | undefined) {
  for await (const event of events) {
    if (event.type === 'StateEntered' && event.state?.type === 'Wait') callbacks?.parked?.('');
  }
}

/** Where a Task's timeout travels through the library's Parameters (see timeoutPathsFromStateInput); removed before the function sees them. */
const TIMEOUT_PARAMETER = 'rrrLocalTimeoutSeconds';

/**
 * AWS reads a Task's TimeoutSecondsPath from the state's input; aws-local-stepfunctions 3.0.0
 * reads it from the input after Parameters, where a Lambda integration's `FunctionName` and
 * `Payload` are. So that the same document times out as it would on AWS, the path is copied into
 * the Parameters (which read the state's input) and the timeout read from there.
 */
function timeoutPathsFromStateInput(definition: AslDefinition): void {
  for (const { state } of allStates(definition)) {
    if (state.Type !== 'Task' || typeof state.TimeoutSecondsPath !== 'string' || !state.Parameters) continue;
    state.Parameters = { ...(state.Parameters as object), [`${TIMEOUT_PARAMETER}.$`]: state.TimeoutSecondsPath };
    state.TimeoutSecondsPath = `$.${TIMEOUT_PARAMETER}`;
  }
}
