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
}

/** The string a Task state puts where its Lambda ARN goes. */
export const taskPlaceholder = (stateName: string) => `\${${stateName}}`;

export const workflowDefinitions: WorkflowDefinition[] = [];
