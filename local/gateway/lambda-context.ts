import type { Context } from 'aws-lambda';

/** API Gateway gives up on an integration after 29 s; handlers budget against that. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/** The part of a Lambda context handlers and Powertools read; nothing here pretends to be AWS. */
export function localLambdaContext(functionName: string, awsRequestId: string): Context {
  const deadline = Date.now() + INTEGRATION_TIMEOUT_MS;
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
