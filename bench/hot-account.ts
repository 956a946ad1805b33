/**
 * `npm run bench:hot`: 100, 200 and 500 concurrent writers on one account (issue 10, goal 4).
 *
 * Each level gets a fresh account funded for every redemption of its mix, then N writers start
 * at once, each with one operation: 3 in 5 redeem 5000 points, 1 in 5 earns on a purchase
 * (a lot a year out: the decision reads a second page round), 1 in 5 earns a 1000-point bonus.
 * Every request is the route's handler invoked as its Lambda would be, with a Lambda context
 * whose deadline is the route's timeout in the synthesized stack (so the runner's deadline
 * guard sees what it sees on AWS). A writer behaves as the README tells partners to: on 409,
 * 429 or 503 it waits `Retry-After` seconds and sends the same request with the same
 * Idempotency-Key, until the answer is definitive or its budget (HOT_CLIENT_BUDGET_S, 120 s)
 * is spent. Answers are recorded one by one: status and code, Retry-After, time against the
 * deadline. Commits per second = writers whose operation committed / seconds until the last
 * one settled. After each level the auditor checks the books.
 *
 * All writers share this process, one SDK client and one DynamoDB Local on this machine; on
 * AWS each invocation is its own process with its own connection. Figures vary run to run.
 * HOT_LEVELS=100,200,500 chooses the levels; HOT_MIX=redeem makes every writer a 5000-point
 * redemption (the shape of `npm run bench`'s hot wallet, where the issue's first figures come from).
 */
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { prepareBenchTable } from './bench-table.ts';
import { asInvocation, localInvokeStore } from '../local/gateway/invoke-store.ts';
import { localLambdaContext } from '../local/gateway/lambda-context.ts';
import { installCapacityMeter } from './capacity-meter.ts';
import { partnerEvent, putAccountEvent } from './handler-event.ts';
import { percentile } from './percentile.ts';
import { routeTimeoutsMs } from './route-timeouts.ts';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const LEVELS = (process.env.HOT_LEVELS ?? '100,200,500').split(',').map(Number);
const CLIENT_BUDGET_MS = Number(process.env.HOT_CLIENT_BUDGET_S ?? 120) * 1000;
const TABLE = 'bench-hot';
const REDEEM_POINTS = 5000;
const WARM_UP = Number(process.env.HOT_WARM_UP ?? 300);
const WARM_UP_CONCURRENCY = 4;
const BONUS_POINTS = 1000;
// Retries and refusals under contention are the point here; keep the handlers' log to errors.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

type Kind = 'redeem' | 'purchase' | 'bonus';
const REDEEMS_ONLY = process.env.HOT_MIX === 'redeem';
/** HOT_SOCKETS=unpooled: no limit on the shared client's sockets, nearer to one connection per invocation. */
const UNPOOLED = process.env.HOT_SOCKETS === 'unpooled';
const kindOf = (i: number): Kind => (REDEEMS_ONLY || i % 5 < 3 ? 'redeem' : i % 5 === 3 ? 'purchase' : 'bonus');

interface Answer {
  status: number;
  code?: string;
  retryAfter?: string;
  ms: number;
  deadlineMs: number;
}

interface Writer {
  kind: Kind;
  answers: Answer[];
  /** Points the committed operation moved (signed), when it committed. */
  committedPoints?: number;
  settledAtMs?: number;
  outcome: 'committed' | 'refused' | 'unsettled';
}

export interface LevelResult {
  writers: number;
  committed: number;
  refused: number;
  unsettled: number;
  settleSeconds: number;
  commitsPerSecond: number;
  firstAnswerCommits: number;
  answers: number;
  byCode: Record<string, number>;
  retryableWithoutRetryAfter: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  deadlineMs: number;
  pastDeadline: number;
  transactions: number;
  cancelled: number;
  reads: number;
  invariants: string;
}

const RETRYABLE = new Set([409, 429, 503]);

async function main(): Promise<void> {
  console.log('route timeouts: synthesizing the stack (bundling skipped)…');
  const timeouts = routeTimeoutsMs();
  const earn = timeouts.earn;
  const redeem = timeouts.redeem;
  if (!earn || !redeem) throw new Error('bench: no earn or redeem function in the synthesized stack');
  const deadlines = { earn, redeem };

  const dynamo = await startDynamoDbLocal({});
  try {
    await prepareBenchTable(dynamo.endpoint, TABLE);
    // Handler modules read their configuration on load: import them only now.
    const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
    const { getDocumentClient } = await import('../functions/store/client.ts');
    const { auditTenant } = await import('../test/support/table-audit.ts');
    const h = {
      putAccount: (await import('../functions/api/handlers/put-account.ts')).handler as Handler,
      earn: (await import('../functions/api/handlers/earn.ts')).handler as Handler,
      redeem: (await import('../functions/api/handlers/redeem.ts')).handler as Handler,
    };
    localInvokeStore();
    // The tenant's default limits (600 writes a minute per account): a level commits at most 501 on its account.
    const tenant = await provisionTenant({
      tenantId: 'hot',
      displayName: 'Hot accounts',
      // Hundreds of redemptions on one account: redemption velocity limits raised out of the way.
      redemption: { maxPerHour: 10_000, maxPerDay: 100_000 },
    });
    const who = { tenantId: tenant.tenantId, keyId: tenant.keyId };
    if (UNPOOLED) {
      // Every writer of a level shares this process's one SDK client, whose HTTP agent keeps 50
      // sockets: requests beyond them wait in the agent, and the SDK's 3 s request timeout
      // counts that wait. On AWS each invocation has its own client and connection.
      const handler = getDocumentClient().config.requestHandler as { updateHttpClientConfig?: (key: string, value: unknown) => void };
      handler.updateHttpClientConfig?.('httpAgent', new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }));
    }
    const meter = installCapacityMeter(getDocumentClient());
    const callMs: Record<string, number[]> = {};
    // HOT_TRACE=1: one line per second of each level (calls started, cancelled, their median time).
    const trace: { at: number; command: string; ms: number; failed?: string }[] = [];
    getDocumentClient().middlewareStack.add(
      (next, context) => async (args) => {
        const t0 = performance.now();
        let failed: string | undefined;
        try {
          return await next(args);
        } catch (error) {
          failed = (error as Error).name;
          throw error;
        } finally {
          const ms = performance.now() - t0;
          (callMs[String(context.commandName)] ??= []).push(ms);
          if (process.env.HOT_TRACE)
            trace.push({ at: t0, command: String(context.commandName).replace(/Command$/, ''), ms, ...(failed ? { failed } : {}) });
        }
      },
      { step: 'initialize', priority: 'high', name: 'benchCallTimes' },
    );

    const invoke = async (
      route: 'earn' | 'redeem',
      event: APIGatewayProxyEvent,
    ): Promise<{ result: APIGatewayProxyResult; answer: Answer }> => {
      const deadlineMs = deadlines[route];
      const requestId = event.requestContext.requestId;
      const started = performance.now();
      const cutOffAt = Date.now() + deadlineMs;
      const context: Context = {
        ...localLambdaContext(route, requestId),
        getRemainingTimeInMillis: () => Math.max(0, cutOffAt - Date.now()),
      };
      let result: APIGatewayProxyResult;
      try {
        result = await asInvocation(requestId, () => h[route](event, context));
      } catch (error) {
        // The function failed or ran out of time (middy throws a TimeoutError just before the
        // deadline): on AWS, API Gateway answers 502 or 504 itself, without Retry-After.
        const answer: Answer = {
          status: 504,
          code: `(function failed: ${(error as Error).name})`,
          ms: performance.now() - started,
          deadlineMs,
        };
        return { result: { statusCode: 504, body: '{}' }, answer };
      }
      const body = JSON.parse(result.body) as { code?: string; detail?: string };
      // Three causes share 503 service_unavailable: out of decide-again time, cut off at the deadline, the database failing.
      if (body.code === 'service_unavailable') {
        const detail = body.detail ?? '';
        body.code += / ran out of time/.test(detail)
          ? ' (out of time)'
          : / did not answer in time/.test(detail)
            ? ' (cut off)'
            : ' (database)';
      }
      const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
      const answer: Answer = {
        status: result.statusCode,
        ms: performance.now() - started,
        deadlineMs,
        ...(body.code ? { code: body.code } : {}),
        ...(headers['retry-after'] ? { retryAfter: headers['retry-after'] } : {}),
      };
      return { result, answer };
    };

    // Warm-up, unmeasured: the JVM of a fresh DynamoDB Local (and this process) compile their
    // hot paths during the first few hundred requests; every level should meet a warm server.
    console.log(`warm-up: ${WARM_UP} requests on other accounts, ${WARM_UP_CONCURRENCY} at a time…`);
    for (let a = 0; a < WARM_UP_CONCURRENCY; a += 1) {
      await h.putAccount(putAccountEvent(who, `warm-${a}`, `warm-${a}-create`), localLambdaContext('putAccount', `warm-${a}`));
    }
    await Promise.all(
      Array.from({ length: WARM_UP_CONCURRENCY }, async (_, a) => {
        for (let i = a; i < WARM_UP; i += WARM_UP_CONCURRENCY) {
          const key = `warm-${a}-${i}`;
          const body = { accountId: `warm-${a}`, source: { type: 'purchase', orderId: key, subtotalCents: 10_000 } };
          await invoke('earn', partnerEvent({ ...who, method: 'POST', path: '/api/v1/earn', idempotencyKey: key, body }));
          await invoke(
            'redeem',
            partnerEvent({
              ...who,
              method: 'POST',
              path: '/api/v1/redeem',
              idempotencyKey: `${key}-r`,
              body: { accountId: `warm-${a}`, points: 5000, orderId: key },
            }),
          );
        }
      }),
    );

    const results: LevelResult[] = [];
    for (const n of LEVELS) {
      const accountId = `hot-${n}-${Date.now().toString(36)}`;
      const put = await h.putAccount(putAccountEvent(who, accountId, `${accountId}-create`), localLambdaContext('putAccount', accountId));
      if (put.statusCode !== 201) throw new Error(`bench: account creation answered ${put.statusCode}`);
      const redeems = Array.from({ length: n }, (_, i) => kindOf(i)).filter((k) => k === 'redeem').length;
      const funding = REDEEM_POINTS * redeems;
      const fund = await invoke(
        'earn',
        partnerEvent({
          ...who,
          method: 'POST',
          path: '/api/v1/earn',
          idempotencyKey: `${accountId}-fund`,
          body: { accountId, source: { type: 'bonus', campaignId: 'fund', points: funding } },
        }),
      );
      if (fund.answer.status !== 201) throw new Error(`bench: funding answered ${fund.answer.status}`);

      console.log(
        `${n} writers on ${accountId} (funded ${funding} points for ${redeems} redemptions), load average ${loadavg()[0]!.toFixed(1)}…`,
      );
      meter.take();
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const started = performance.now();
      const writers: Writer[] = await Promise.all(
        Array.from({ length: n }, async (_, i): Promise<Writer> => {
          const kind = kindOf(i);
          const key = `${accountId}-w${i}`;
          const route = kind === 'redeem' ? 'redeem' : 'earn';
          const body =
            kind === 'redeem'
              ? { accountId, points: REDEEM_POINTS, orderId: `${accountId}-r${i}` }
              : kind === 'purchase'
                ? { accountId, source: { type: 'purchase', orderId: `${accountId}-p${i}`, subtotalCents: 10_000 } }
                : { accountId, source: { type: 'bonus', campaignId: 'hot', points: BONUS_POINTS } };
          const writer: Writer = { kind, answers: [], outcome: 'unsettled' };
          for (;;) {
            const event = partnerEvent({ ...who, method: 'POST', path: `/api/v1/${route}`, idempotencyKey: key, body });
            const { result, answer } = await invoke(route, event);
            writer.answers.push(answer);
            if (answer.status < 300) {
              const points = (JSON.parse(result.body) as { points: number }).points;
              writer.committedPoints = kind === 'redeem' ? -points : points;
              writer.outcome = 'committed';
              writer.settledAtMs = performance.now() - started;
              return writer;
            }
            // A partner retries a 5xx with the same key (safe: it replays or decides anew), after 1 s when no Retry-After says otherwise.
            const waitMs = answer.retryAfter !== undefined ? Number(answer.retryAfter) * 1000 : answer.status >= 500 ? 1000 : Number.NaN;
            if (!(RETRYABLE.has(answer.status) || answer.status >= 500) || !Number.isFinite(waitMs)) {
              writer.outcome = 'refused';
              writer.settledAtMs = performance.now() - started;
              return writer;
            }
            if (performance.now() - started + waitMs > CLIENT_BUDGET_MS) return writer;
            // The client honouring Retry-After (a partner's retry loop, not synchronisation).
            await sleep(waitMs);
          }
        }),
      );
      const tally = meter.take();
      if (process.env.HOT_TRACE) {
        const seconds = new Map<number, typeof trace>();
        for (const t of trace.splice(0)) {
          const second = Math.floor((t.at - started) / 1000);
          if (second >= 0) seconds.set(second, [...(seconds.get(second) ?? []), t]);
        }
        for (const [second, calls] of [...seconds].sort(([a], [b]) => a - b)) {
          const by = (command: string) => calls.filter((c) => c.command === command);
          const line = ['BatchGetItem', 'TransactWriteItems', 'UpdateItem']
            .map((command) => {
              const list = by(command);
              const failed = list.filter((c) => c.failed).length;
              const timedOut = list.filter((c) => c.failed === 'TimeoutError').length;
              return `${command} ${list.length}${failed ? ` (${failed} failed${timedOut ? `, ${timedOut} timed out` : ''})` : ''} p50 ${Math.round(
                percentile(
                  list.map((c) => c.ms),
                  50,
                ) || 0,
              )}`;
            })
            .join(', ');
          const committedNow = writers.filter(
            (w) => w.settledAtMs !== undefined && Math.floor(w.settledAtMs / 1000) === second && w.outcome === 'committed',
          ).length;
          console.log(`  s${second}: commits ${committedNow}; ${line}`);
        }
      }
      loopDelay.disable();
      console.log(
        `load average ${loadavg()[0]!.toFixed(1)} at the end; event loop delay p99 ${Math.round(loopDelay.percentile(99) / 1e6)} ms, max ${Math.round(loopDelay.max / 1e6)} ms`,
      );
      for (const [command, list] of Object.entries(callMs)) {
        console.log(
          `${command}: ${list.length} calls, p50 ${Math.round(percentile(list, 50))} ms, p99 ${Math.round(percentile(list, 99))} ms`,
        );
        delete callMs[command];
      }

      const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
      const queueItem = await getDocumentClient().send(
        new GetCommand({ TableName: TABLE, Key: { PK: `T#${tenant.tenantId}#A#${accountId}`, SK: 'TURNS' } }),
      );
      if (queueItem.Item) console.log(`turn queue: turnMs ${queueItem.Item.turnMs}`);
      const audit = await auditTenant(tenant.tenantId);
      const account = audit.accounts.find((a) => a.accountId === accountId);
      const expected = funding + writers.reduce((sum, w) => sum + (w.committedPoints ?? 0), 0);
      const problems = [
        ...audit.violations,
        ...(account?.wallets.points.balance === expected ? [] : [`balance ${account?.wallets.points.balance} != expected ${expected}`]),
      ];
      const answers = writers.flatMap((w) => w.answers);
      const byCode: Record<string, number> = {};
      for (const a of answers) {
        const label = a.status < 300 ? `${a.status}` : `${a.status} ${a.code ?? ''}`;
        byCode[label] = (byCode[label] ?? 0) + 1;
      }
      const committed = writers.filter((w) => w.outcome === 'committed');
      const perFive: number[] = [];
      for (const w of committed)
        perFive[Math.floor((w.settledAtMs ?? 0) / 5000)] = (perFive[Math.floor((w.settledAtMs ?? 0) / 5000)] ?? 0) + 1;
      console.log(`commits per 5 s: ${Array.from(perFive, (c) => c ?? 0).join(' ')}`);
      const settleMs = Math.max(...writers.map((w) => w.settledAtMs ?? 0));
      const times = answers.map((a) => a.ms);
      const result: LevelResult = {
        writers: n,
        committed: committed.length,
        refused: writers.filter((w) => w.outcome === 'refused').length,
        unsettled: writers.filter((w) => w.outcome === 'unsettled').length,
        settleSeconds: settleMs / 1000,
        commitsPerSecond: committed.length / (settleMs / 1000),
        firstAnswerCommits: writers.filter((w) => (w.answers[0]?.status ?? 500) < 300).length,
        answers: answers.length,
        byCode,
        retryableWithoutRetryAfter: answers.filter((a) => RETRYABLE.has(a.status) && a.retryAfter === undefined).length,
        p50Ms: percentile(times, 50),
        p99Ms: percentile(times, 99),
        maxMs: Math.max(...times),
        deadlineMs: Math.min(deadlines.earn, deadlines.redeem),
        pastDeadline: answers.filter((a) => a.ms > a.deadlineMs).length,
        transactions: tally.calls.TransactWriteItemsCommand ?? 0,
        cancelled: tally.cancellations,
        reads: tally.calls.BatchGetItemCommand ?? 0,
        invariants:
          problems.length === 0
            ? 'hold (balance = funding + earned − redeemed = ledger = lots − debt, auditor clean)'
            : `BROKEN: ${problems.slice(0, 3).join('; ')}`,
      };
      results.push(result);
      console.log(JSON.stringify(result));
    }
    console.log(`\n${renderTable(results)}\n`);
  } finally {
    await dynamo.stop();
  }
}

const f1 = (x: number) => x.toFixed(1);

export function renderTable(rows: LevelResult[]): string {
  return [
    '| writers | commits/s | committed / refused / unsettled | settled after s | committed at first answer | answers | answers by status and code | 409/429/503 without Retry-After | answer ms p50 / p99 / max (deadline) | past deadline | TransactWriteItems sent / cancelled | BatchGetItem | invariants |',
    '|---:|---:|---|---:|---:|---:|---|---:|---|---:|---|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.writers} | ${f1(r.commitsPerSecond)} | ${r.committed} / ${r.refused} / ${r.unsettled} | ${f1(r.settleSeconds)} | ${r.firstAnswerCommits} | ${r.answers} | ${Object.entries(
          r.byCode,
        )
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([code, count]) => `${code}: ${count}`)
          .join(
            ', ',
          )} | ${r.retryableWithoutRetryAfter} | ${Math.round(r.p50Ms)} / ${Math.round(r.p99Ms)} / ${Math.round(r.maxMs)} (${r.deadlineMs}) | ${r.pastDeadline} | ${r.transactions} / ${r.cancelled} | ${r.reads} | ${r.invariants} |`,
    ),
  ].join('\n');
}

await main();
// Keep-alive sockets of the SDK client would hold the process open; everything is stopped.
process.exit(0);
