import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { assertJavaAvailable } from '../../local/java.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * One in-memory DynamoDB Local for the whole run, on a port chosen now: test files share the
 * server but each creates its own uniquely named table, so none depends on another.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await assertJavaAvailable();
  const dynamo = await startDynamoDbLocal({});
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
