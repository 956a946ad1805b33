import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Every DynamoDB command `client` sends while `act` runs, by name, in order. */
export async function commandsDuring<T>(client: DynamoDBDocumentClient, act: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const name = `record-${Math.random()}`;
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await act(), commands };
  } finally {
    client.middlewareStack.remove(name);
  }
}
