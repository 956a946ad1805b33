import { ProvisionedThroughputExceededException, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seededRandom } from './seeded-random.ts';

/**
 * - conflict: TransactWriteItems cancelled with a TransactionConflict reason (DynamoDB Local
 *   never raises it), on the idempotency record or on another item, nothing written;
 * - throttle: ProvisionedThroughputExceededException, nothing done;
 * - timeout-before: the call times out before reaching the database, nothing done;
 * - timeout-after: the call reaches the database and commits, then the answer is lost.
 */
export type FaultKind = 'conflict' | 'throttle' | 'timeout-before' | 'timeout-after';

export const FAULT_KINDS: FaultKind[] = ['conflict', 'throttle', 'timeout-before', 'timeout-after'];

/** Probability of each fault per SDK attempt (the SDK's own retries are attempts too). */
export type FaultRates = Partial<Record<FaultKind, number>>;

/** Where a conflict is reported: on the idempotency record (item 0) or another item. */
export type ConflictTarget = 'idempotency' | 'other' | 'any';

export interface FaultScope {
  conflictOn?: ConflictTarget;
  /** Only these commands meet faults (default: every command of the request path). */
  commands?: string[];
  /** Stop after injecting this many faults (default: no limit). */
  limit?: number;
}

export interface FaultInjection {
  /** Faults injected so far, by kind and command. */
  readonly injected: Map<string, number>;
  count(kind: FaultKind, command?: string): number;
  /** Changes the rates from the next attempt on; `{}` switches injection off. */
  setRates(rates: FaultRates, scope?: FaultScope): void;
}

/** The commands of the handlers' request paths; setup, audits and the authorizer are left alone. */
const ELIGIBLE = new Set(['BatchGetItemCommand', 'TransactWriteItemsCommand', 'GetItemCommand']);

/**
 * A test-only middleware on the shared document client. It sits in the finalizeRequest step
 * after the SDK's retry middleware, so each of the SDK's attempts meets the faults the way it
 * would meet real ones: throttles and timeouts are retried by the SDK (DYNAMODB_CLIENT_LIMITS.maxAttempts) and
 * surface to the handler only when they persist; a TransactWriteItems retried after a lost
 * answer carries the same ClientRequestToken, as on AWS.
 *
 * The partner authorizer's key lookup is spared: on AWS API Gateway caches its answer and
 * answers an authorizer failure itself, outside the handler chain under test.
 */
export function installFaultInjection(client: DynamoDBDocumentClient, seed: number): FaultInjection {
  const random = seededRandom(seed);
  let rates: FaultRates = {};
  let scope: Required<FaultScope> = { conflictOn: 'any', commands: [...ELIGIBLE], limit: Infinity };
  let injectedSinceSet = 0;
  const injected = new Map<string, number>();

  const pick = (command: string): FaultKind | undefined => {
    let roll = random();
    for (const kind of FAULT_KINDS) {
      const rate = kind === 'conflict' && command !== 'TransactWriteItemsCommand' ? 0 : (rates[kind] ?? 0);
      if (roll < rate) return kind;
      roll -= rate;
    }
    return undefined;
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as { Key?: { PK?: { S?: string } }; TransactItems?: unknown[] };
      if (!scope.commands.includes(command) || input.Key?.PK?.S?.startsWith('APIKEY#')) return next(args);
      const kind = injectedSinceSet < scope.limit ? pick(command) : undefined;
      if (kind === undefined) return next(args);
      injectedSinceSet += 1;
      injected.set(`${kind} ${command}`, (injected.get(`${kind} ${command}`) ?? 0) + 1);
      switch (kind) {
        case 'conflict':
          throw conflictError(input.TransactItems?.length ?? 1, scope.conflictOn, random);
        case 'throttle':
          throw new ProvisionedThroughputExceededException({
            message: 'injected: throughput exceeded',
            $metadata: { httpStatusCode: 400 },
          });
        case 'timeout-before':
          throw timeoutError();
        case 'timeout-after':
          await next(args);
          throw timeoutError();
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'injectFaultsForTests' },
  );

  return {
    injected,
    count: (kind, command) =>
      [...injected]
        .filter(([name]) => name.startsWith(`${kind} `) && (!command || name.endsWith(` ${command}`)))
        .reduce((sum, [, n]) => sum + n, 0),
    setRates(next, nextScope = {}) {
      rates = next;
      scope = {
        conflictOn: nextScope.conflictOn ?? 'any',
        commands: (nextScope.commands ?? [...ELIGIBLE]).filter((c) => ELIGIBLE.has(c)),
        limit: nextScope.limit ?? Infinity,
      };
      injectedSinceSet = 0;
    },
  };
}

function conflictError(items: number, target: ConflictTarget, random: () => number): TransactionCanceledException {
  const index =
    target === 'idempotency' || items === 1
      ? 0
      : target === 'other'
        ? 1 + Math.floor(random() * (items - 1))
        : Math.floor(random() * items);
  const reasons: CancellationReason[] = Array.from({ length: items }, (_, i) =>
    i === index ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' },
  );
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons,
  });
}

/** Shaped like the SDK's own socket timeout, which its retry strategy treats as transient. */
function timeoutError(): Error {
  return Object.assign(new Error('injected: socket timed out'), { name: 'TimeoutError', $metadata: {} });
}
