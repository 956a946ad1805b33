import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowDefinition } from '../functions/workflows/definitions.ts';
import { runWorkflow, type RunOptions, type TaskHandler } from './workflow-runner.ts';

/**
 * The part of the Step Functions API the functions call (functions/workflows/workflow-client.ts),
 * served offline over the same JSON protocol, so the functions' one AWS SDK adapter runs
 * unchanged against it (`AWS_ENDPOINT_URL_SFN`). Executions run in-process through
 * local/workflow-runner.ts (aws-local-stepfunctions) from the same definitions CDK deploys; this
 * file adds what that library leaves out: named executions, and the callback tokens of
 * `.waitForTaskToken` states, completed by SendTaskSuccess or SendTaskFailure.
 *
 * StartExecution, SendTaskSuccess and SendTaskFailure answer once the execution has moved as far
 * as it goes by itself (it waits for a callback again, or it has ended): AWS answers at once and
 * the execution runs on; here what it does by itself is done when the call returns, so the
 * writes a workflow makes never land in the middle of a test's next step. A timing AWS allows.
 *
 * Kept to AWS's behaviour where the functions rely on it: a second StartExecution with a running
 * execution's name and input returns that execution, any other reuse of a name is
 * ExecutionAlreadyExists; a token whose task no longer waits is TaskTimedOut. Limits, stated:
 * executions live in this process's memory (a restart forgets them: see local/start.ts, which
 * starts again the workflows of requests still open), and requests are not signed-checked.
 */

export interface LocalWorkflow {
  workflow: WorkflowDefinition;
  tasks: Record<string, TaskHandler>;
}

export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  done: Promise<void>;
  /** Resolves when the execution next waits for a callback, or ends. */
  pause: Promise<void>;
  /** The execution goes on (its callback was settled): `pause` becomes the next one. */
  resume(): void;
}

export interface LocalStepFunctions {
  endpoint: string;
  /** Each workflow's state machine ARN, by name. */
  arns: Record<string, string>;
  executions: Map<string, LocalExecution>;
  /** Resolves when every execution started so far has ended (tests and shutdown). */
  settled(): Promise<void>;
  /** Ends every running execution (failed), as a stop of the service would; the server goes on serving. */
  abortExecutions(): void;
  close(): Promise<void>;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
export const localStateMachineArn = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:rrr-local-${name}`;

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startLocalStepFunctions(
  workflows: LocalWorkflow[],
  options: Pick<RunOptions, 'onTaskError'> & { log?: (line: string) => void } = {},
): Promise<LocalStepFunctions> {
  const byArn = new Map(workflows.map((entry) => [localStateMachineArn(entry.workflow.name), entry]));
  const executions = new Map<string, LocalExecution>();
  const waiting = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void; executionArn: string }>();
  const running = new Map<string, AbortController>();
  const stopped = () => Object.assign(new Error('The local Step Functions server stopped'), { name: 'States.Runtime' });

  function startExecution(body: { stateMachineArn?: string; name?: string; input?: string }) {
    const entry = byArn.get(body.stateMachineArn ?? '');
    if (!entry) throw new ApiError('StateMachineDoesNotExist', `State machine does not exist: ${body.stateMachineArn}`);
    const name = body.name ?? crypto.randomUUID();
    const input = body.input ?? '{}';
    const executionArn = `${body.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: existing.startDate };
      throw new ApiError('ExecutionAlreadyExists', `Execution already exists: ${executionArn}`);
    }
    const execution: LocalExecution = {
      executionArn,
      stateMachineArn: body.stateMachineArn!,
      name,
      input,
      status: 'RUNNING',
      startDate: Date.now() / 1000,
      done: Promise.resolve(),
      pause: Promise.resolve(),
      resume: () => nextPause(),
    };
    let paused = () => {};
    const nextPause = () => {
      execution.pause = new Promise<void>((resolve) => {
        paused = resolve;
      });
    };
    nextPause();
    const stopping = new AbortController();
    running.set(executionArn, stopping);
    const callbacks = {
      wait: (taskToken: string) =>
        new Promise<unknown>((resolve, reject) => {
          if (stopping.signal.aborted) reject(stopped());
          else waiting.set(taskToken, { resolve, reject, executionArn });
        }),
      parked: () => paused(),
    };
    execution.done = runWorkflow(entry.workflow.definition, entry.tasks, JSON.parse(input), {
      ...options,
      callbacks,
      signal: stopping.signal,
    })
      .then(
        (output) => {
          Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null), stopDate: Date.now() / 1000 });
        },
        (error: Error) => {
          Object.assign(execution, { status: 'FAILED', error: error.name, cause: error.message, stopDate: Date.now() / 1000 });
          options.log?.(`${entry.workflow.name} ${name} failed: ${error.name}: ${error.message}`);
        },
      )
      .finally(() => {
        // A token of an ended execution waits no more (its state timed out or the execution failed).
        for (const [token, wait] of waiting) if (wait.executionArn === executionArn) waiting.delete(token);
        running.delete(executionArn);
        paused();
      });
    executions.set(executionArn, execution);
    return execution.pause.then(() => ({ executionArn, startDate: execution.startDate }));
  }

  /** The waiting task of a token, taken: what settles it, and the execution's next pause (which settling it leads to). */
  function takeWaiting(taskToken: string | undefined) {
    const wait = waiting.get(taskToken ?? '');
    if (!wait) throw new ApiError('TaskTimedOut', 'Task Timed Out: the token does not belong to a waiting task');
    waiting.delete(taskToken!);
    const execution = executions.get(wait.executionArn)!;
    execution.resume();
    return { ...wait, pause: execution.pause.then(() => ({})) };
  }

  const actions: Record<string, (body: Record<string, string | undefined>) => unknown> = {
    StartExecution: (body) => startExecution(body),
    SendTaskSuccess: (body) => {
      const wait = takeWaiting(body.taskToken);
      wait.resolve(JSON.parse(body.output ?? 'null'));
      return wait.pause;
    },
    SendTaskFailure: (body) => {
      const failure = Object.assign(new Error(body.cause ?? ''), { name: body.error ?? 'TaskFailed' });
      const wait = takeWaiting(body.taskToken);
      wait.reject(failure);
      return wait.pause;
    },
    DescribeExecution: (body) => {
      const execution = executions.get(body.executionArn ?? '');
      if (!execution) throw new ApiError('ExecutionDoesNotExist', `Execution does not exist: ${body.executionArn}`);
      const { done: _done, pause: _pause, resume: _resume, ...described } = execution;
      return described;
    },
  };

  /** Waiting executions end (failed) rather than hold their timers, and the process, open. */
  function abortExecutions(): void {
    for (const stopping of running.values()) stopping.abort();
    for (const wait of waiting.values()) wait.reject(stopped());
    waiting.clear();
  }

  const server: Server = createServer((request, response) => void serve(request, response));
  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const action = String(request.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
    let status = 200;
    let payload: unknown;
    try {
      const handle = actions[action];
      if (!handle) throw new ApiError('UnknownOperationException', `Not served locally: ${action}`);
      payload = await handle(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
    } catch (error) {
      status = 400;
      payload =
        error instanceof ApiError
          ? { __type: error.type, message: error.message }
          : { __type: 'ValidationException', message: String(error) };
    }
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(payload));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    arns: Object.fromEntries(workflows.map((entry) => [entry.workflow.name, localStateMachineArn(entry.workflow.name)])),
    executions,
    async settled() {
      await Promise.all([...executions.values()].map((execution) => execution.done));
    },
    abortExecutions,
    async close() {
      abortExecutions();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * The SDK's environment for the local server (read by every SFN client by itself) and each
 * workflow's ARN as the CDK stack hands it to the functions that start it.
 */
export function localStepFunctionsEnv(local: Pick<LocalStepFunctions, 'endpoint' | 'arns'>): Record<string, string> {
  return { AWS_ENDPOINT_URL_SFN: local.endpoint, ...(local.arns.Approval ? { APPROVAL_WORKFLOW_ARN: local.arns.Approval } : {}) };
}
