import { readFile, rename, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_REGION, localDynamoDbClientConfig } from './aws-env.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  dynamodbEndpoint: string;
  tableName: string;
  /** The stream consumer, called exactly as Lambda's event source mapping would call it. */
  handler: StreamHandler;
  /** Where acknowledged positions are kept across restarts; in memory only without it. */
  checkpointFile?: string;
  /** Records per call, as the mapping's batch size (100 on AWS). */
  batchSize?: number;
  /** Pause between polls when the stream has nothing new. */
  idleMs?: number;
  /** Run after polls, at most this often (the local service seals closed days with it). */
  tick?: { everyMs: number; run: () => Promise<void> };
  log?: (message: string) => void;
}

export interface StreamPoller {
  streamArn(): Promise<string>;
  /** One round over the open shards; resolves to the number of records handed to the handler. */
  pollOnce(): Promise<number>;
  /** Polls until a round finds nothing new (failed batches are retried at once, a few times). */
  drain(): Promise<number>;
  /** Polls in the background until stop(). */
  start(): void;
  /** Finishes the batch in hand, then stops. */
  stop(): Promise<void>;
}

interface ShardState {
  shard: Shard;
  iterator?: string;
  /** The last sequence number the handler acknowledged. */
  checkpoint?: string;
  /** Where to resume after a failure: at the first record the handler could not take. */
  retryAt?: string;
  failures: number;
  notBefore: number;
  done: boolean;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * DynamoDB Local's stream to a stream handler, as Lambda's event source mapping does it on AWS:
 * batches of up to 100 records per shard in order, converted to the Lambda event shape (epoch
 * seconds, `eventSourceARN`), a partial batch response honoured by resuming at the first failed
 * record, and nothing acknowledged before the handler returns. Positions are written to the
 * checkpoint file after each batch, so a restart resumes where it left off and a crash between
 * the handler's writes and the checkpoint redelivers the batch, exactly as on AWS.
 */
export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  const streams = new DynamoDBStreamsClient({ ...localDynamoDbClientConfig(options.dynamodbEndpoint) });
  const batchSize = options.batchSize ?? 100;
  const log = options.log ?? (() => {});
  const shards = new Map<string, ShardState>();
  let arn: string | undefined;
  let loaded = false;
  let running: Promise<void> | undefined;
  let stopping = false;
  let lastTick = 0;

  async function streamArn(): Promise<string> {
    if (arn) return arn;
    const dynamo = new DynamoDBClient(localDynamoDbClientConfig(options.dynamodbEndpoint));
    try {
      const table = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
      arn = table.Table?.LatestStreamArn;
    } finally {
      dynamo.destroy();
    }
    if (!arn) throw new Error(`Table ${options.tableName} has no stream`);
    return arn;
  }

  async function loadCheckpoints(): Promise<Record<string, string>> {
    if (loaded || !options.checkpointFile) return {};
    loaded = true;
    try {
      const saved = JSON.parse(await readFile(options.checkpointFile, 'utf8')) as { streamArn?: string; shards?: Record<string, string> };
      return saved.streamArn === (await streamArn()) ? (saved.shards ?? {}) : {};
    } catch {
      return {};
    }
  }

  async function saveCheckpoints(): Promise<void> {
    if (!options.checkpointFile) return;
    const saved = {
      streamArn: await streamArn(),
      shards: Object.fromEntries([...shards].filter(([, s]) => s.checkpoint).map(([id, s]) => [id, s.checkpoint])),
    };
    const temporary = `${options.checkpointFile}.tmp`;
    await writeFile(temporary, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, options.checkpointFile);
  }

  async function refreshShards(): Promise<void> {
    const saved = await loadCheckpoints();
    let start: string | undefined;
    do {
      const out = await streams.send(
        new DescribeStreamCommand({ StreamArn: await streamArn(), ...(start ? { ExclusiveStartShardId: start } : {}) }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        const checkpoint = saved[shard.ShardId];
        shards.set(shard.ShardId, { shard, failures: 0, notBefore: 0, done: false, ...(checkpoint ? { checkpoint } : {}) });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  /** Children wait for their parent shard to be read to its end, so one item's changes stay in order. */
  const ready = (state: ShardState) => {
    const parent = state.shard.ParentShardId ? shards.get(state.shard.ParentShardId) : undefined;
    return !state.done && (!parent || parent.done);
  };

  async function iteratorOf(state: ShardState): Promise<string | undefined> {
    if (state.iterator) return state.iterator;
    const base = { StreamArn: await streamArn(), ShardId: state.shard.ShardId! };
    const request = state.retryAt
      ? { ...base, ShardIteratorType: 'AT_SEQUENCE_NUMBER' as const, SequenceNumber: state.retryAt }
      : state.checkpoint
        ? { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: state.checkpoint }
        : { ...base, ShardIteratorType: 'TRIM_HORIZON' as const };
    try {
      state.iterator = (await streams.send(new GetShardIteratorCommand(request))).ShardIterator;
    } catch (error) {
      if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
      log(`stream shard ${state.shard.ShardId}: position ${state.checkpoint} is gone; reading from the oldest record`);
      delete state.checkpoint;
      delete state.retryAt;
      state.iterator = (await streams.send(new GetShardIteratorCommand({ ...base, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    }
    return state.iterator;
  }

  async function pollShard(state: ShardState, ignoreBackoff: boolean): Promise<number> {
    if (!ignoreBackoff && Date.now() < state.notBefore) return 0;
    const iterator = await iteratorOf(state);
    if (!iterator) {
      state.done = true;
      return 0;
    }
    let out: GetRecordsCommandOutput;
    try {
      out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
    } catch (error) {
      if ((error as Error).name === 'ExpiredIteratorException') {
        delete state.iterator;
        return 0;
      }
      throw error;
    }
    const records = out.Records ?? [];
    if (records.length === 0) {
      if (out.NextShardIterator) state.iterator = out.NextShardIterator;
      else state.done = true; // a closed shard read to its end
      return 0;
    }
    const event: DynamoDBStreamEvent = { Records: records.map((record) => toLambdaRecord(record, arn!)) };
    let failedAt: string | undefined;
    try {
      const response = await options.handler(event);
      const failed = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier).filter((id): id is string => Boolean(id));
      failedAt = failed.length > 0 ? lowest(failed) : undefined;
    } catch (error) {
      log(`stream handler failed on ${records.length} records: ${(error as Error).message}`);
      failedAt = records[0]!.dynamodb!.SequenceNumber!;
    }
    if (failedAt === undefined) {
      state.checkpoint = records.at(-1)!.dynamodb!.SequenceNumber!;
      delete state.retryAt;
      state.failures = 0;
      state.notBefore = 0;
      if (out.NextShardIterator) state.iterator = out.NextShardIterator;
      else state.done = true;
    } else {
      const index = records.findIndex((record) => record.dynamodb?.SequenceNumber === failedAt);
      if (index > 0) state.checkpoint = records[index - 1]!.dynamodb!.SequenceNumber!;
      state.retryAt = failedAt;
      delete state.iterator;
      state.failures += 1;
      state.notBefore = Date.now() + Math.min(MAX_BACKOFF_MS, 200 * 2 ** state.failures);
      log(`stream: ${records.length - Math.max(index, 0)} records to retry from ${failedAt} (attempt ${state.failures})`);
    }
    await saveCheckpoints();
    return records.length;
  }

  async function round(ignoreBackoff: boolean): Promise<{ records: number; failing: boolean }> {
    await refreshShards();
    let records = 0;
    for (const state of shards.values()) if (ready(state)) records += await pollShard(state, ignoreBackoff);
    return { records, failing: [...shards.values()].some((state) => state.retryAt !== undefined) };
  }

  async function maybeTick(): Promise<void> {
    if (!options.tick || Date.now() - lastTick < options.tick.everyMs) return;
    lastTick = Date.now();
    try {
      await options.tick.run();
    } catch (error) {
      log(`stream poller tick failed: ${(error as Error).message}`);
    }
  }

  return {
    streamArn,
    pollOnce: async () => (await round(true)).records,
    async drain() {
      let total = 0;
      for (let rounds = 0; ; rounds += 1) {
        const { records, failing } = await round(true);
        total += records;
        if (records === 0 && !failing) return total;
        if (rounds > 50) throw new Error('the stream handler keeps failing; giving up draining');
      }
    },
    start() {
      if (running) return;
      stopping = false;
      running = (async () => {
        while (!stopping) {
          let records = 0;
          try {
            records = (await round(false)).records;
            await maybeTick();
          } catch (error) {
            log(`stream poller: ${(error as Error).message}`);
          }
          if (records === 0 && !stopping) await delay(options.idleMs ?? 250);
        }
      })();
    },
    async stop() {
      stopping = true;
      await running;
      running = undefined;
      streams.destroy();
    },
  };
}

function lowest(sequenceNumbers: string[]): string {
  return sequenceNumbers.reduce((a, b) => ((a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)) <= 0 ? a : b));
}

/** GetRecords output to the record shape Lambda delivers (epoch seconds, the stream's ARN). */
export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? LOCAL_REGION,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(stream.Keys ? { Keys: stream.Keys as never } : {}),
      ...(stream.NewImage ? { NewImage: stream.NewImage as never } : {}),
      ...(stream.OldImage ? { OldImage: stream.OldImage as never } : {}),
      ...(stream.SequenceNumber ? { SequenceNumber: stream.SequenceNumber } : {}),
      ...(stream.SizeBytes !== undefined ? { SizeBytes: stream.SizeBytes } : {}),
      ...(stream.StreamViewType ? { StreamViewType: stream.StreamViewType } : {}),
    },
  };
}
