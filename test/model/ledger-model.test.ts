import fc from 'fast-check';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { reconcileReports } from '../../functions/reports/reconcile.ts';
import { handler as reportsHandler } from '../../functions/streams/reports.ts';
import { createStreamPoller } from '../../local/stream-poller.ts';
import { operatorClient, partnerClient, startLocalApi, type LocalApi } from '../support/local-api.ts';
import { auditTenant } from '../support/table-audit.ts';
import { localDateOf } from './calendar.ts';
import { AnswerBook } from './check-answer.ts';
import { concurrentPlanArb, runConcurrentWorkload } from './concurrent-workload.ts';
import { checkFinalState } from './final-state.ts';
import { ReferenceLedger } from './reference-ledger.ts';
import { replayInCommitOrder } from './replay-in-commit-order.ts';
import type { Pools } from './request-arbitraries.ts';
import { MODEL_TENANT_LIMITS, runParameters, SEED, STRESS } from './run-settings.ts';
import { exchange, sequentialCommands, type ModelState, type RealSystem } from './sequential-commands.ts';

/** The tenant's time zone as provisioned (defaultTenantConfig). */
const TIME_ZONE = 'America/Toronto';
const T0 = Date.now();
const TODAY = localDateOf(T0, TIME_ZONE);

const SIZE = STRESS
  ? { sequentialRuns: 120, maxCommands: 300, concurrentRuns: 40, batches: { min: 8, max: 15 }, batchSize: { min: 10, max: 30 } }
  : { sequentialRuns: 15, maxCommands: 50, concurrentRuns: 6, batches: { min: 3, max: 5 }, batchSize: { min: 5, max: 12 } };
// A run on 2 busy cores (the suite's other files alongside) takes up to twice what it takes alone (about 25 s).
const TIMEOUT_MS = STRESS ? 3 * 3600_000 : 120_000;

let api: LocalApi;
/** Every run's tenant, for the reports read model's check at the end. */
const tenants: string[] = [];
beforeAll(async () => {
  api = await startLocalApi();
  console.log(`ledger model: seed ${SEED}${STRESS ? ' (STRESS)' : ''}; replay with SEED=${SEED} npx vitest run test/model`);
});
afterAll(() => api?.close());

const pools = (zeroPointPurchases: boolean): Pools => ({
  accountIds: ['m-0', 'm-1', 'm-2'],
  orderIds: ['o-0', 'o-1', 'o-2', 'o-3', 'o-4', 'o-5'],
  t0: T0,
  zeroPointPurchases,
});

describe('ledger model (fast-check against DynamoDB Local)', () => {
  it("sequential: every answer is the reference ledger's, step by step, and the books audit clean", { timeout: TIMEOUT_MS }, async () => {
    const totals = { runs: 0, requests: 0 };
    const tally = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(sequentialCommands(pools(true), SIZE.maxCommands), async (commands) => {
        // The run's clock (the service's too) advances as real time does, and jumps after a configuration change.
        vi.useRealTimers();
        vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
        const tenant = await api.newTenant(undefined, undefined, MODEL_TENANT_LIMITS);
        tenants.push(tenant.tenantId);
        const client = partnerClient(api.baseUrl, tenant.partnerKey);
        const admin = operatorClient(api.baseUrl, await api.operatorToken(['tenant_admin'], tenant.tenantId));
        const model: ModelState = { ledger: new ReferenceLedger(TIME_ZONE, TODAY), sent: [], step: 0 };
        const operator = { tenantId: tenant.tenantId, call: admin.call };
        const approvers = await Promise.all(
          ['model-admin-2', 'model-admin-3'].map(async (subject) => {
            const token = await api.operatorIssuer.mint({ subject, roles: ['tenant_admin'], tenantId: tenant.tenantId });
            return operatorClient(api.baseUrl, token).call;
          }),
        );
        const real: RealSystem = {
          client,
          operator,
          approvers: [approvers[0]!, approvers[1]!],
          book: new AnswerBook(),
          keyPrefix: 'k',
          tally,
        };
        // Two members exist from the start; the third only once a command creates it.
        for (const accountId of ['m-0', 'm-1']) {
          const body = { profile: { profileId: `p-${accountId}`, role: 'CONSUMER' as const } };
          await exchange(model, real, `setup-${accountId}`, { kind: 'putAccount', accountId, body }, 'setup');
        }
        try {
          await fc.asyncModelRun(() => ({ model, real }), commands);
          await checkFinalState(model.ledger, client, await auditTenant(tenant.tenantId), pools(true).accountIds);
        } finally {
          vi.useRealTimers();
        }
        totals.runs += 1;
        totals.requests += model.step;
      }),
      runParameters(SIZE.sequentialRuns, TIMEOUT_MS - 15_000),
    );
    console.log(`sequential model: ${totals.runs} runs, ${totals.requests} requests compared step by step`);
    console.log(
      [...tally]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([outcome, n]) => `  ${outcome}: ${n}`)
        .join('\n'),
    );
  });

  it('concurrent: batches with duplicates and lost answers apply exactly once and replay serially in commit order', {
    timeout: TIMEOUT_MS,
  }, async () => {
    const totals = { runs: 0, requests: 0, deliveries: 0, committed: 0 };
    await fc.assert(
      fc.asyncProperty(concurrentPlanArb(pools(false), SIZE), async (plan) => {
        vi.useRealTimers();
        const tenant = await api.newTenant(undefined, undefined, MODEL_TENANT_LIMITS);
        tenants.push(tenant.tenantId);
        const client = partnerClient(api.baseUrl, tenant.partnerKey);
        const outcome = await runConcurrentWorkload(client, plan, 'c');
        expect(outcome.unsettled, 'keys without a definitive answer').toEqual([]);
        expect(outcome.log.violations(), 'one outcome per key').toEqual([]);
        const audit = await auditTenant(tenant.tenantId);
        const committed = outcome.log.committed();
        const replay = replayInCommitOrder(audit, outcome.requests, committed, TIME_ZONE, TODAY);
        expect(replay.violations, 'serial replay in commit order').toEqual([]);
        await checkFinalState(replay.ledger, client, audit, pools(false).accountIds);
        totals.runs += 1;
        totals.requests += outcome.requests.size;
        totals.deliveries += outcome.log.answers.length;
        totals.committed += committed.size;
      }),
      runParameters(SIZE.concurrentRuns, TIMEOUT_MS - 15_000),
    );
    console.log(
      `concurrent model: ${totals.runs} runs, ${totals.requests} requests, ${totals.deliveries} deliveries (copies and retries), ${totals.committed} committed`,
    );
  });

  it("reports read model: after every run, fed by the stream with each batch delivered twice, equals each tenant's ledger", {
    timeout: TIMEOUT_MS,
  }, async () => {
    expect(tenants.length).toBeGreaterThan(0);
    const delivered: DynamoDBStreamEvent[] = [];
    const poller = createStreamPoller({
      dynamodbEndpoint: inject('dynamoEndpoint'),
      tableName: api.tableName,
      handler: async (event) => {
        delivered.push(event);
        const first = await reportsHandler(event);
        // The same batch again, as the event source mapping may deliver it: it must count once.
        const again = await reportsHandler(event);
        return { batchItemFailures: [...first.batchItemFailures, ...again.batchItemFailures] };
      },
    });
    try {
      await poller.drain();
    } finally {
      await poller.stop();
    }
    expect(delivered.length).toBeGreaterThan(0);
    for (const tenantId of tenants) expect((await reconcileReports(tenantId)).differences, tenantId).toEqual([]);
  });
});
