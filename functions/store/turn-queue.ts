import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { getDocumentClient, tableName } from './client.ts';
import { accountPartition } from './keys.ts';

/**
 * A hot account's turn queue: one small item beside the account (`SK=TURNS`) holding the
 * instant until which turns on the account are reserved (`freeAt`, epoch milliseconds) and
 * the length of one turn (`turnMs`, as the last turns adjusted it). A request that lost a race
 * for the account reserves the next turn with one UpdateItem (no read, no transaction) and
 * waits for it instead of spinning against everyone else: turns hand the account to one
 * writer after another, so their conditional transactions stop cancelling each other.
 *
 * Nothing here decides anything about money: the queue only spaces the attempts, and every
 * commit stays guarded by the versions it read. A lost, stale or wrong queue costs
 * throughput, never correctness. The item expires a day after its last use (TTL).
 */
export type Reservation =
  /** A turn from `startsAt` (epoch ms; now or later), `turnMs` long. */
  | { kind: 'turn'; startsAt: number; turnMs: number }
  /** Turns are reserved past `latestStart`, until `freeAt`. Nothing was reserved. */
  | { kind: 'full'; freeAt: number };

/** A queue as read with the decision state: reserved until `freeAt`, turns of `turnMs`. */
export interface TurnQueue {
  freeAt: number;
  turnMs: number;
}

export const itemToTurnQueue = (item: Record<string, unknown>): TurnQueue => ({ freeAt: Number(item.freeAt), turnMs: Number(item.turnMs) });

/** The queue item's kind (`entity`, as functions/audit/records.ts classifies items) and sort key. */
const TURNS = { entity: 'TURNS', sortKey: 'TURNS' } as const;
const TTL_SECONDS = 24 * 3600;
/** Each try changes the item or learns why not; requests racing for an idle queue need a few at most. */
const MAX_TRIES = 4;

export const turnQueueKey = (tenantId: string, accountId: string) => ({ PK: accountPartition(tenantId, accountId), SK: TURNS.sortKey });

/**
 * Reserves the account's next turn unless it would start after `latestStart`: on an idle
 * queue (`freeAt` passed, or no item yet) the turn starts now, on a busy one where the
 * reserved turns end. Its length is the queue's own `turnMs` (`firstTurnMs` for a new queue),
 * read and used within the one update. `freeAt`, as last read, picks the update to try first.
 */
export async function reserveTurn(
  tenantId: string,
  accountId: string,
  input: { now: number; latestStart: number; firstTurnMs: number; freeAt?: number },
): Promise<Reservation> {
  const { now, latestStart, firstTurnMs } = input;
  const common = {
    TableName: tableName(),
    Key: turnQueueKey(tenantId, accountId),
    ReturnValues: 'ALL_NEW' as const,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    ExpressionAttributeNames: { '#ttl': 'ttl' },
  };
  const ttl = Math.floor(now / 1000) + TTL_SECONDS;
  let freeAt = input.freeAt;
  for (let tries = 0; tries < MAX_TRIES; tries += 1) {
    if (freeAt !== undefined && freeAt > latestStart) return { kind: 'full', freeAt };
    try {
      if (freeAt === undefined || freeAt <= now) {
        const out = await getDocumentClient().send(
          new UpdateCommand({
            ...common,
            UpdateExpression:
              'SET turnMs = if_not_exists(turnMs, :first), freeAt = :now + if_not_exists(turnMs, :first), entity = :entity, #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(freeAt) OR freeAt <= :now',
            ExpressionAttributeValues: { ':first': firstTurnMs, ':now': now, ':entity': TURNS.entity, ':ttl': ttl },
          }),
        );
        return { kind: 'turn', startsAt: now, turnMs: Number(out.Attributes?.turnMs) };
      }
      const out = await getDocumentClient().send(
        new UpdateCommand({
          ...common,
          UpdateExpression: 'SET freeAt = freeAt + turnMs, #ttl = :ttl',
          ConditionExpression: 'freeAt > :now AND freeAt <= :latest',
          ExpressionAttributeValues: { ':now': now, ':latest': latestStart, ':ttl': ttl },
        }),
      );
      const turnMs = Number(out.Attributes?.turnMs);
      return { kind: 'turn', startsAt: Number(out.Attributes?.freeAt) - turnMs, turnMs };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      freeAt = freeAtOf((error as { Item?: Record<string, unknown> }).Item) ?? now;
    }
  }
  return { kind: 'full', freeAt: Math.max(freeAt ?? now, now) };
}

/**
 * Books a refused caller's return: an appointment one turn after the last one booked, or
 * where the reserved turns end if the bookings are behind them (`bookedUntil`, a second
 * timeline behind `freeAt`). Appointments hold no turn: a caller who comes back queues like
 * anyone, but callers refused together come back one turn apart instead of all at once.
 */
export async function bookReturn(tenantId: string, accountId: string, fallback: number): Promise<number> {
  const common = { TableName: tableName(), Key: turnQueueKey(tenantId, accountId), ReturnValues: 'ALL_NEW' as const };
  let attributes: Record<string, unknown> | undefined;
  for (let tries = 0; tries < MAX_TRIES && !attributes; tries += 1) {
    try {
      const after = await getDocumentClient().send(
        new UpdateCommand({
          ...common,
          UpdateExpression: 'SET bookedUntil = bookedUntil + turnMs',
          ConditionExpression: 'bookedUntil >= freeAt',
        }),
      );
      return Number(after.Attributes?.bookedUntil) - Number(after.Attributes?.turnMs);
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
    try {
      const after = await getDocumentClient().send(
        new UpdateCommand({
          ...common,
          UpdateExpression: 'SET bookedUntil = freeAt + turnMs',
          ConditionExpression: 'attribute_exists(freeAt) AND (attribute_not_exists(bookedUntil) OR bookedUntil < freeAt)',
        }),
      );
      attributes = after.Attributes;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
  return attributes ? Number(attributes.freeAt) : fallback;
}

/** Sets the queue's turn length (after a turn in it); later reservations use it. */
export async function setTurnLength(tenantId: string, accountId: string, turnMs: number): Promise<void> {
  await getDocumentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: turnQueueKey(tenantId, accountId),
      UpdateExpression: 'SET turnMs = :turn',
      ConditionExpression: 'attribute_exists(freeAt)',
      ExpressionAttributeValues: { ':turn': turnMs },
    }),
  );
}

/** `freeAt` of the item a failed condition returns (raw attribute values, even through lib-dynamodb). */
function freeAtOf(item: Record<string, unknown> | undefined): number | undefined {
  if (!item || item.freeAt === undefined) return undefined;
  const value = typeof item.freeAt === 'object' ? unmarshall(item as never).freeAt : item.freeAt;
  return typeof value === 'number' ? value : undefined;
}
