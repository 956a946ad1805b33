import { approvalWorkflow, redemptionHoldWorkflow } from '../functions/workflows/definitions.ts';
import { WORKFLOW_ARN_ENV } from '../functions/workflows/workflow-names.ts';
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
  const workflows = [approvalWorkflow, redemptionHoldWorkflow];
  // The ARNs are known before the server runs: the task handlers load with them in their environment.
  for (const workflow of workflows)
    process.env[WORKFLOW_ARN_ENV[workflow.name as keyof typeof WORKFLOW_ARN_ENV]] = localStateMachineArn(workflow.name);
  const local = await startLocalStepFunctions(
    await Promise.all(workflows.map(async (workflow) => ({ workflow, tasks: await loadTaskHandlers(workflow, rootDir) }))),
    options,
  );
  Object.assign(process.env, localStepFunctionsEnv(local));
  return local;
}
