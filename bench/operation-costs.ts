import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { localLambdaContext } from '../local/gateway/lambda-context.ts';
import type { CapacityMeter } from './capacity-meter.ts';
import { partnerEvent, putAccountEvent } from './handler-event.ts';
import { percentile } from './percentile.ts';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface Handlers {
  putAccount: Handler;
  earn: Handler;
  redeem: Handler;
  reverse: Handler;
  hold: Handler;
  commitHold: Handler;
}

export interface OperationCost {
  name: string;
  samples: number;
  /** Average calls of each command per request. */
  calls: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  estimatedReadUnits: number;
  estimatedWriteUnits: number;
  p50Ms: number;
  p99Ms: number;
}

export interface Principal {
  tenantId: string;
  keyId: string;
}

const WARM_UP = 10;

let keyCounter = 0;
const nextKey = (prefix: string) => `${prefix}-${process.pid}-${(keyCounter += 1)}`;

async function call(handler: Handler, event: APIGatewayProxyEvent, expected: number): Promise<void> {
  const result = await handler(event, localLambdaContext('bench', event.requestContext.requestId));
  if (result.statusCode !== expected) throw new Error(`bench: expected ${expected}, got ${result.statusCode} ${result.body}`);
}

/** The requests a scenario sends, prepared (unmeasured) by `setup`. */
interface Scenario {
  name: string;
  setup(): Promise<void>;
  request(i: number): Promise<void>;
}

function scenarios(h: Handlers, who: Principal, n: number): Scenario[] {
  const post = (path: string, body: unknown) => partnerEvent({ ...who, method: 'POST', path, body, idempotencyKey: nextKey('bench') });
  const putAccount = (accountId: string) => call(h.putAccount, putAccountEvent(who, accountId, nextKey('acct')), 201);
  const earn = (body: unknown) => call(h.earn, post('/api/v1/earn', body), 201);
  const run = Date.now().toString(36);
  return [
    {
      name: 'earn (purchase)',
      setup: async () => {
        for (let a = 0; a < 20; a += 1) await putAccount(`earn-${run}-${a}`);
      },
      request: (i) =>
        earn({ accountId: `earn-${run}-${i % 20}`, source: { type: 'purchase', orderId: `order-${run}-${i}`, subtotalCents: 10_000 } }),
    },
    {
      name: 'redeem (1 lot)',
      setup: async () => {
        await putAccount(`redeem1-${run}`);
        await earn({ accountId: `redeem1-${run}`, source: { type: 'bonus', campaignId: 'bench', points: 5000 * (n + 10) } });
      },
      request: (i) =>
        call(h.redeem, post('/api/v1/redeem', { accountId: `redeem1-${run}`, points: 5000, orderId: `checkout-${run}-${i}` }), 201),
    },
    {
      name: 'redeem (3 lots)',
      setup: async () => {
        // Three lots expiring on different days; a 6000-point redemption empties all three.
        for (let i = 0; i < n; i += 1) {
          await putAccount(`redeem3-${run}-${i}`);
          for (const days of [30, 31, 32]) {
            await earn({
              accountId: `redeem3-${run}-${i}`,
              source: { type: 'promotion', campaignId: `p${days}`, points: 2000, expiresInDays: days },
            });
          }
        }
      },
      request: (i) =>
        call(h.redeem, post('/api/v1/redeem', { accountId: `redeem3-${run}-${i}`, points: 6000, orderId: `checkout3-${run}-${i}` }), 201),
    },
    {
      // One account a hold, as checkouts are (an account has at most 10 open).
      name: 'hold (1 lot)',
      setup: async () => {
        for (let i = 0; i < n; i += 1) {
          await putAccount(`hold-${run}-${i}`);
          await earn({ accountId: `hold-${run}-${i}`, source: { type: 'bonus', campaignId: 'bench', points: 6000 } });
        }
      },
      request: (i) =>
        call(
          h.hold,
          post('/api/v1/redemptions', { accountId: `hold-${run}-${i}`, points: 5000, orderId: `hold-${run}-${i}`, holdSeconds: 600 }),
          201,
        ),
    },
    commitScenario(h, who, n, run, post, putAccount, earn),
    {
      name: 'reversal',
      setup: async () => {
        for (let a = 0; a < 20; a += 1) await putAccount(`rev-${run}-${a}`);
        for (let i = 0; i < n; i += 1) {
          await earn({
            accountId: `rev-${run}-${i % 20}`,
            source: { type: 'purchase', orderId: `rev-order-${run}-${i}`, subtotalCents: 10_000 },
          });
        }
      },
      request: (i) =>
        call(h.reverse, post('/api/v1/reversals', { accountId: `rev-${run}-${i % 20}`, orderId: `rev-order-${run}-${i}` }), 201),
    },
  ];
}

/**
 * The commit of a hold (the hold itself made in the unmeasured setup, one account per hold as a
 * checkout's): with the 'hold' row, the cost of a two-phase redemption.
 */
function commitScenario(
  h: Handlers,
  who: Principal,
  n: number,
  run: string,
  post: (path: string, body: unknown) => APIGatewayProxyEvent,
  putAccount: (accountId: string) => Promise<void>,
  earn: (body: unknown) => Promise<void>,
): Scenario {
  const holds: string[] = [];
  return {
    name: 'commit (of a hold, 1 lot)',
    setup: async () => {
      for (let i = 0; i < n; i += 1) {
        const accountId = `commit-${run}-${i}`;
        await putAccount(accountId);
        await earn({ accountId, source: { type: 'bonus', campaignId: 'bench', points: 6000 } });
        const held = await h.hold(
          post('/api/v1/redemptions', { accountId, points: 5000, orderId: `commit-${run}-${i}`, holdSeconds: 600 }),
          localLambdaContext('bench', `hold-${i}`),
        );
        if (held.statusCode !== 201) throw new Error(`bench: hold ${held.statusCode} ${held.body}`);
        holds.push((JSON.parse(held.body) as { redemptionId: string }).redemptionId);
      }
    },
    request: (i) =>
      call(
        h.commitHold,
        partnerEvent({
          ...who,
          method: 'POST',
          path: `/api/v1/redemptions/${holds[i]}/commit`,
          pathParameters: { redemptionId: holds[i]! },
          idempotencyKey: nextKey('bench'),
        }),
        200,
      ),
  };
}

/**
 * Each money-moving operation, invoked in-process one request at a time: the DynamoDB calls
 * and capacity units per request, and the handler's latency. Setup requests are not counted.
 */
export async function measureOperationCosts(h: Handlers, who: Principal, meter: CapacityMeter, n: number): Promise<OperationCost[]> {
  const costs: OperationCost[] = [];
  for (const scenario of scenarios(h, who, n + WARM_UP)) {
    await scenario.setup();
    // Warm-up requests (JIT, connections, the tenant configuration cache) are not measured.
    for (let i = 0; i < WARM_UP; i += 1) await scenario.request(n + i);
    meter.take();
    const latencies: number[] = [];
    const calls: Record<string, number> = {};
    const units = { readUnits: 0, writeUnits: 0, estimatedReadUnits: 0, estimatedWriteUnits: 0 };
    for (let i = 0; i < n; i += 1) {
      const started = performance.now();
      await scenario.request(i);
      latencies.push(performance.now() - started);
      const tally = meter.take();
      for (const [command, count] of Object.entries(tally.calls)) calls[command] = (calls[command] ?? 0) + count;
      for (const name of Object.keys(units) as (keyof typeof units)[]) units[name] += tally[name];
    }
    costs.push({
      name: scenario.name,
      samples: n,
      calls: Object.fromEntries(Object.entries(calls).map(([command, count]) => [command, count / n])),
      readUnits: units.readUnits / n,
      writeUnits: units.writeUnits / n,
      estimatedReadUnits: units.estimatedReadUnits / n,
      estimatedWriteUnits: units.estimatedWriteUnits / n,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    });
  }
  return costs;
}
