import fc from 'fast-check';
import type { ApiResponse, PartnerClient } from '../support/local-api.ts';
import { isRetryLater, OutcomeLog } from '../support/outcome-log.ts';
import type { ModelRequest } from './reference-ledger.ts';
import { mutatingRequestArb, type Pools } from './request-arbitraries.ts';
import { sendModelRequest } from './send-request.ts';

/**
 * One request of a batch: `copies` identical deliveries fired at once (same key, same body),
 * and `lost` when the client never sees the answer and must send it again later.
 */
export interface PlannedRequest {
  request: ModelRequest;
  copies: number;
  lost: boolean;
}

export interface ConcurrentPlan {
  /** Sent one after another before the first batch (accounts to start from). */
  initial: ModelRequest[];
  batches: PlannedRequest[][];
}

export interface PlanShape {
  batches: { min: number; max: number };
  batchSize: { min: number; max: number };
}

export function concurrentPlanArb(pools: Pools, shape: PlanShape): fc.Arbitrary<ConcurrentPlan> {
  const planned = fc.record({
    request: mutatingRequestArb(pools),
    copies: fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, fc.integer({ min: 2, max: 4 })),
    lost: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, fc.constant(true)),
  });
  return fc
    .array(fc.array(planned, { minLength: shape.batchSize.min, maxLength: shape.batchSize.max }), {
      minLength: shape.batches.min,
      maxLength: shape.batches.max,
    })
    .map((batches) => ({
      initial: pools.accountIds.slice(0, -1).map(
        (accountId): ModelRequest => ({
          kind: 'putAccount',
          accountId,
          body: { profile: { profileId: `p-${accountId}`, role: 'CONSUMER' } },
        }),
      ),
      batches,
    }));
}

export interface WorkloadOutcome {
  log: OutcomeLog;
  /** The request behind every key. */
  requests: Map<string, ModelRequest>;
  /** Keys that never got a definitive answer within the retry budget. */
  unsettled: string[];
}

interface Delivery {
  key: string;
  seenByClient: boolean;
  lost: boolean;
  answer: Promise<ApiResponse>;
}

/** How many rounds of "send again" a client makes after the last batch before giving up. */
const DRAIN_ROUNDS = 30;

/**
 * Fires each batch all at once (copies included) while the clients whose previous answer was
 * lost, or was "retry later", send again with the same key. After the last batch, clients keep
 * retrying until every key has a definitive answer.
 */
export async function runConcurrentWorkload(
  client: PartnerClient,
  plan: ConcurrentPlan,
  keyPrefix: string,
  onRound?: () => Promise<void>,
): Promise<WorkloadOutcome> {
  const log = new OutcomeLog();
  const requests = new Map<string, ModelRequest>();
  const send = (key: string): Delivery => ({
    key,
    seenByClient: true,
    lost: false,
    answer: log.record(key, () => sendModelRequest({ partner: client }, key, requests.get(key)!)),
  });

  /** Waits for every delivery of a round; the keys whose client must send again come back. */
  async function settle(deliveries: Delivery[]): Promise<string[]> {
    const answers = await Promise.all(deliveries.map((delivery) => delivery.answer));
    const retry = deliveries.filter((delivery, i) => delivery.seenByClient && (delivery.lost || isRetryLater(answers[i]!)));
    await onRound?.();
    return [...new Set(retry.map((delivery) => delivery.key))];
  }

  async function retryUntilSettled(keys: string[]): Promise<string[]> {
    let pending = keys;
    for (let round = 0; round < DRAIN_ROUNDS && pending.length > 0; round += 1) pending = await settle(pending.map(send));
    return pending;
  }

  const unsettledSetup: string[] = [];
  for (const [i, request] of plan.initial.entries()) {
    const key = `${keyPrefix}-initial-${i}`;
    requests.set(key, request);
    unsettledSetup.push(...(await retryUntilSettled([key])));
  }
  let pending: string[] = [];
  for (const [b, batch] of plan.batches.entries()) {
    const deliveries = pending.map(send);
    batch.forEach((planned, i) => {
      const key = `${keyPrefix}-b${b}-${i}`;
      requests.set(key, planned.request);
      // The client sees the first copy's answer; the other copies are the network's duplicates.
      for (let copy = 0; copy < planned.copies; copy += 1) deliveries.push({ ...send(key), seenByClient: copy === 0, lost: planned.lost });
    });
    pending = await settle(deliveries);
  }
  return { log, requests, unsettled: [...unsettledSetup, ...(await retryUntilSettled(pending))] };
}
