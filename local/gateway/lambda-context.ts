import type { Context } from 'aws-lambda';

/**
 * Route functions time out after 10 s (lib/api-function.ts), well before API Gateway's 29 s
 * integration limit: the function's own timeout is the deadline handlers budget against.
 */
const FUNCTION_TIMEOUT_MS = 10_000;

/** The part of a Lambda context handlers and Powertools read; nothing here pretends to be AWS. */
export function localLambdaContext(functionName: string, awsRequestId: string): Context {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  const unsupported = () => {
    throw new Error('Callback-style Lambda context methods are not supported; return a promise instead');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
