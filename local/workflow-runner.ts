import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AslDefinition, type AslState, taskPlaceholder, type WorkflowDefinition } from '../functions/workflows/definitions.ts';

/**
 * Runs a workflow definition from functions/workflows/definitions.ts in-process, so the local
 * service executes the very document CDK deploys. It knows the part of the Amazon States
 * Language those definitions use (Task, inline Map; `ItemsPath`, `ResultPath` of `null` or
 * `$.name`, `MaxConcurrency`, `ToleratedFailurePercentage`, `Retry`, `Next`, `End`) and refuses
 * any other state type or field, so a definition cannot drift from what runs here unnoticed.
 * Locally a retry runs at once (no interval), and executions keep no history.
 */

export type TaskHandler = (input: never) => Promise<unknown>;

const KNOWN: Record<string, Set<string>> = {
  Task: new Set(['Type', 'Resource', 'Retry', 'Next', 'End', 'Comment']),
  Map: new Set([
    'Type',
    'ItemsPath',
    'MaxConcurrency',
    'ToleratedFailurePercentage',
    'ItemProcessor',
    'ResultPath',
    'Next',
    'End',
    'Comment',
  ]),
};

export interface RunOptions {
  /** Hears of each Map item that failed (the Map goes on while failures are tolerated). */
  onItemError?: (state: string, error: Error) => void;
}

/** The handler module of each task, imported from the repository as the Lambda bundles it. */
export async function loadTaskHandlers(workflow: WorkflowDefinition, rootDir: string): Promise<Record<string, TaskHandler>> {
  const handlers: Record<string, TaskHandler> = {};
  for (const [state, task] of Object.entries(workflow.tasks)) {
    const module = (await import(pathToFileURL(join(rootDir, task.handler)).href)) as { handler: TaskHandler };
    handlers[state] = module.handler;
  }
  return handlers;
}

export async function runWorkflow(
  definition: Pick<AslDefinition, 'StartAt' | 'States'>,
  tasks: Record<string, TaskHandler>,
  input: unknown,
  options: RunOptions = {},
): Promise<unknown> {
  let name = definition.StartAt;
  let value = input;
  for (;;) {
    const state = definition.States[name];
    if (!state) throw new Error(`no state ${name}`);
    const known = KNOWN[state.Type];
    if (!known) throw new Error(`state ${name}: ${state.Type} states are not run locally`);
    for (const field of Object.keys(state)) if (!known.has(field)) throw new Error(`state ${name}: ${field} is not run locally`);
    value = state.Type === 'Task' ? await runTask(name, state, tasks, value) : await runMap(name, state, tasks, value, options);
    if (state.End === true) return value;
    name = String(state.Next);
  }
}

async function runTask(name: string, state: AslState, tasks: Record<string, TaskHandler>, input: unknown): Promise<unknown> {
  if (state.Resource !== taskPlaceholder(name)) throw new Error(`state ${name}: Resource must be ${taskPlaceholder(name)}`);
  const handler = tasks[name];
  if (!handler) throw new Error(`state ${name}: no task handler`);
  const retries = ((state.Retry as { MaxAttempts?: number }[] | undefined) ?? []).reduce(
    (most, rule) => Math.max(most, rule.MaxAttempts ?? 3),
    0,
  );
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await handler(input as never);
    } catch (error) {
      if (attempt >= retries) throw error;
    }
  }
}

async function runMap(name: string, state: AslState, tasks: Record<string, TaskHandler>, input: unknown, options: RunOptions) {
  const processor = state.ItemProcessor as AslDefinition & { ProcessorConfig?: { Mode?: string } };
  if (processor.ProcessorConfig?.Mode !== undefined && processor.ProcessorConfig.Mode !== 'INLINE') {
    throw new Error(`state ${name}: only inline Maps are run locally`);
  }
  const items = select(input, String(state.ItemsPath ?? '$'));
  if (!Array.isArray(items)) throw new Error(`state ${name}: ${String(state.ItemsPath)} is not a list`);
  const results: unknown[] = new Array(items.length);
  let failures = 0;
  let firstError: Error | undefined;
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      try {
        results[index] = await runWorkflow(processor, tasks, items[index], options);
      } catch (error) {
        failures += 1;
        firstError ??= error as Error;
        options.onItemError?.(name, error as Error);
      }
    }
  };
  const concurrency = Number(state.MaxConcurrency ?? 0) || items.length;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  const tolerated = Number(state.ToleratedFailurePercentage ?? 0);
  if (failures > 0 && (failures * 100) / items.length > tolerated) throw firstError!;
  return place(input, state.ResultPath === undefined ? '$' : (state.ResultPath as string | null), results);
}

function select(input: unknown, path: string): unknown {
  if (path === '$') return input;
  const match = /^\$\.([A-Za-z0-9_]+)$/.exec(path);
  if (!match) throw new Error(`path ${path} is not run locally`);
  return (input as Record<string, unknown> | undefined)?.[match[1]!];
}

function place(input: unknown, path: string | null, result: unknown): unknown {
  if (path === null) return input;
  if (path === '$') return result;
  const match = /^\$\.([A-Za-z0-9_]+)$/.exec(path);
  if (!match) throw new Error(`path ${path} is not run locally`);
  return { ...(input as Record<string, unknown>), [match[1]!]: result };
}
