import { SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { readEnv } from '../config/env.ts';
import { STEP_FUNCTIONS_CLIENT_LIMITS } from '../config/sdk-clients.ts';
import { WORKFLOW_ARN_ENV, type StartedWorkflow } from './workflow-names.ts';

/**
 * What the functions ask of Step Functions: start an execution, and hand a waiting task
 * (`.waitForTaskToken`) its result. One adapter, the AWS SDK's: on AWS it calls Step Functions;
 * offline `AWS_ENDPOINT_URL_SFN` points the same client at local/step-functions-server.ts, which
 * runs the same definitions in-process. Nothing here knows which.
 */

const env = readEnv(
  'workflows',
  z.object({ APPROVAL_WORKFLOW_ARN: z.optional(z.string()), REDEMPTION_HOLD_WORKFLOW_ARN: z.optional(z.string()) }),
);

let client: SFNClient | undefined;
const sfn = () => (client ??= new SFNClient(STEP_FUNCTIONS_CLIENT_LIMITS));

/** The state machines functions start, by workflow name; each function is given only the ARNs it starts. */
function stateMachineArn(workflow: StartedWorkflow): string {
  const arn = env[WORKFLOW_ARN_ENV[workflow]];
  if (!arn) throw new Error(`No state machine ARN is configured for the ${workflow} workflow (${WORKFLOW_ARN_ENV[workflow]})`);
  return arn;
}

/**
 * Starts an execution under a name of the caller's: starting it again (a retried request) is
 * harmless. Step Functions answers a second start with the same name and input with the running
 * execution, and refuses it (ExecutionAlreadyExists) once that execution has ended: both mean
 * it was started.
 */
export async function startWorkflow(workflow: StartedWorkflow, executionName: string, input: Record<string, unknown>): Promise<void> {
  try {
    await sfn().send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn(workflow), name: executionName, input: JSON.stringify(input) }),
    );
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return;
    throw error;
  }
}

/**
 * Hands a waiting task its output. A token that no longer waits (the task timed out, or the
 * result was handed over already by the other party that may do so) is not an error: the
 * workflow has moved on, and it reads the stored state itself.
 */
export async function completeTask(taskToken: string, output: Record<string, unknown>): Promise<'delivered' | 'not_waiting'> {
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return 'delivered';
  } catch (error) {
    if (['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes((error as Error).name)) return 'not_waiting';
    throw error;
  }
}
