import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consistentReadUnits, itemBytes, transactionalWriteUnits } from './item-size.ts';

/** What the service asked of DynamoDB while the meter ran. */
export interface Tally {
  calls: Record<string, number>;
  /** As DynamoDB Local reports them. */
  readUnits: number;
  writeUnits: number;
  /** Estimated for the service from item sizes (item-size.ts): what the targets are about. */
  estimatedReadUnits: number;
  estimatedWriteUnits: number;
  /** TransactWriteItems the database cancelled (a condition failed: the decision was stale). */
  cancellations: number;
}

export interface CapacityMeter {
  /** Returns what was counted since the last take and starts counting afresh. */
  take(): Tally;
  /** Removes the middleware (the throughput run measures the service without it). */
  uninstall(): void;
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);
const CAPACITY_COMMANDS = new Set([
  ...READS,
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

const empty = (): Tally => ({ calls: {}, readUnits: 0, writeUnits: 0, estimatedReadUnits: 0, estimatedWriteUnits: 0, cancellations: 0 });

type Item = Record<string, unknown>;
const keyOf = (item: Item) => `${String(item.PK)}\u0000${String(item.SK)}`;

interface MeteredInput {
  ReturnConsumedCapacity?: string;
  RequestItems?: Record<string, { Keys?: Item[]; ConsistentRead?: boolean }>;
  TransactItems?: { Put?: { Item?: Item } }[];
}

/**
 * Bench-only: asks every call for ReturnConsumedCapacity TOTAL and adds up what comes back, so
 * production code never pays for it. Units are DynamoDB Local's (its accounting follows the
 * service's, 1 KB write units doubled for transactions, but is not guaranteed to match it).
 */
export function installCapacityMeter(client: DynamoDBDocumentClient): CapacityMeter {
  let tally = empty();
  /** Sizes of items as last read, for the "larger of old and new" rule of an overwrite. */
  const lastRead = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      if (!CAPACITY_COMMANDS.has(command)) return next(args);
      const input = args.input as MeteredInput;
      input.ReturnConsumedCapacity = 'TOTAL';
      tally.calls[command] = (tally.calls[command] ?? 0) + 1;
      if (command === 'TransactWriteItemsCommand') {
        for (const put of (input.TransactItems ?? []).map((entry) => entry.Put?.Item).filter((item): item is Item => item !== undefined)) {
          tally.estimatedWriteUnits += transactionalWriteUnits(Math.max(itemBytes(put), lastRead.get(keyOf(put)) ?? 0));
        }
      }
      try {
        const result = await next(args);
        if (command === 'BatchGetItemCommand') {
          const responses = (result.output as { Responses?: Record<string, Item[]> }).Responses ?? {};
          const found = new Map(
            Object.values(responses)
              .flat()
              .map((item) => [keyOf(item), itemBytes(item)]),
          );
          for (const [k, bytes] of found) lastRead.set(k, bytes);
          for (const requested of Object.values(input.RequestItems ?? {}).flatMap((r) => r.Keys ?? [])) {
            tally.estimatedReadUnits += consistentReadUnits(found.get(keyOf(requested)) ?? 0);
          }
        }
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] })
          .ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        if (READS.has(command)) tally.readUnits += units;
        else tally.writeUnits += units;
        return result;
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') tally.cancellations += 1;
        throw error;
      }
    },
    { step: 'initialize', priority: 'high', name: 'benchCapacityMeter' },
  );
  return {
    take() {
      const taken = tally;
      tally = empty();
      return taken;
    },
    uninstall: () => void client.middlewareStack.remove('benchCapacityMeter'),
  };
}
