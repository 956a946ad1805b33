import { performance } from 'node:perf_hooks';
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** Records the items of the next TransactWriteItems the client sends (an earn's, in the bench). */
export function captureNextTransaction(client: DynamoDBDocumentClient): Promise<TransactItems> {
  return new Promise((resolve) => {
    let captured = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!captured && context.commandName === 'TransactWriteItemsCommand') {
          captured = true;
          resolve(structuredClone((args.input as TransactWriteCommandInput).TransactItems ?? []));
        }
        return next(args);
      },
      { step: 'initialize', name: 'benchCaptureTransaction' },
    );
  });
}

/**
 * DynamoDB Local's own ceiling for an earn: the same items, at the same concurrency, sent as
 * TransactWriteItems straight from the SDK with fresh keys (each put conditional on
 * attribute_not_exists, as the earn's are), no HTTP, no read, no decision.
 */
export async function rawTransactRate(
  client: DynamoDBDocumentClient,
  template: TransactItems,
  seconds: number,
  concurrency: number,
): Promise<{ transactions: number; perSecond: number }> {
  let sequence = 0;
  let transactions = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const n = (sequence += 1);
      const items = template.map((entry) => {
        const put = entry.Put!;
        return {
          Put: {
            TableName: put.TableName,
            Item: { ...put.Item, PK: `RAW#${n}#${String(put.Item!.PK)}` },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        };
      });
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      transactions += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { transactions, perSecond: transactions / ((performance.now() - started) / 1000) };
}
