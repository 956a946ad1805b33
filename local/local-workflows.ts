import { approvalWorkflow } from '../functions/workflows/definitions.ts';
import { localStateMachineArn, localStepFunctionsEnv, startLocalStepFunctions, type LocalStepFunctions } from './step-functions-server.ts';
import { loadTaskHandlers, type RunOptions } from './workflow-runner.ts';

/**
 * The workflows the functions start, served offline (local/step-functions-server.ts) from the
 * definitions CDK deploys, and the environment that points the functions' Step Functions client
 * at them. Call before any function module that starts a workflow loads (they read their state
 * machine's ARN once, as a Lambda does at init).
 */
export async function startLocalWorkflows(
  rootDir: string,
  options: Pick<RunOptions, 'onTaskError'> & { log?: (line: string) => void } = {},
): Promise<LocalStepFunctions> {
  // The ARN is known before the server runs: the task handlers load with it in their environment.
  process.env.APPROVAL_WORKFLOW_ARN = localStateMachineArn(approvalWorkflow.name);
  const tasks = await loadTaskHandlers(approvalWorkflow, rootDir);
  const local = await startLocalStepFunctions([{ workflow: approvalWorkflow, tasks }], options);
  Object.assign(process.env, localStepFunctionsEnv(local));
  return local;
}
