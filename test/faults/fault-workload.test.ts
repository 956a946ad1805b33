import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocumentClient } from '../../functions/store/client.ts';
import { localDateOf } from '../model/calendar.ts';
import { concurrentPlanArb, runConcurrentWorkload } from '../model/concurrent-workload.ts';
import { checkFinalState } from '../model/final-state.ts';
import { replayInCommitOrder } from '../model/replay-in-commit-order.ts';
import { MODEL_TENANT_LIMITS, runParameters, SEED, STRESS } from '../model/run-settings.ts';
import { FAULT_KINDS, installFaultInjection, type FaultInjection, type FaultRates } from '../support/fault-injection.ts';
import { startLocalApi, partnerClient, type LocalApi } from '../support/local-api.ts';
import { auditTenant } from '../support/table-audit.ts';

const TIME_ZONE = 'America/Toronto';
const T0 = Date.now();
const TODAY = localDateOf(T0, TIME_ZONE);
const ACCOUNTS = ['f-0', 'f-1', 'f-2'];

/** Per SDK attempt. High enough that some faults outlast the SDK's attempts. */
const RATES: FaultRates = { conflict: 0.12, throttle: 0.06, 'timeout-before': 0.06, 'timeout-after': 0.1 };
const RUNS = STRESS ? 30 : 3;
const TIMEOUT_MS = STRESS ? 3 * 3600_000 : 90_000;

let api: LocalApi;
let faults: FaultInjection;
beforeAll(async () => {
  // 503s are expected here by the dozen and each is logged as a warning: keep the output to errors.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  api = await startLocalApi();
  faults = installFaultInjection(getDocumentClient(), SEED);
  console.log(`fault workload: seed ${SEED}; replay with SEED=${SEED} npx vitest run test/faults/fault-workload.test.ts`);
});
afterAll(() => api?.close());

describe('a concurrent workload under injected database faults', () => {
  it('every client retrying with its key gets the one outcome; the books replay serially and audit clean', {
    timeout: TIMEOUT_MS,
  }, async () => {
    const pools = { accountIds: ACCOUNTS, orderIds: ['o-0', 'o-1', 'o-2', 'o-3'], t0: T0, zeroPointPurchases: false };
    const shape = { batches: { min: 3, max: 5 }, batchSize: { min: 6, max: 12 } };
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(concurrentPlanArb(pools, shape), async (plan) => {
        faults.setRates({});
        const tenant = await api.newTenant(undefined, undefined, MODEL_TENANT_LIMITS);
        const client = partnerClient(api.baseUrl, tenant.partnerKey);
        faults.setRates(RATES);
        const outcome = await runConcurrentWorkload(client, plan, 'f');
        faults.setRates({});
        for (const answer of outcome.log.answers) {
          const name = `${answer.status} ${answer.body?.code ?? ''}`.trim();
          statuses.set(name, (statuses.get(name) ?? 0) + 1);
        }
        expect(outcome.unsettled, 'keys without a definitive answer').toEqual([]);
        // 503 is the documented "retry later"; a 500 would be a fault mistaken for a bug.
        expect(outcome.log.violations([503]), 'one outcome per key').toEqual([]);
        const audit = await auditTenant(tenant.tenantId);
        const replay = replayInCommitOrder(audit, outcome.requests, outcome.log.committed(), TIME_ZONE, TODAY);
        expect(replay.violations, 'serial replay in commit order').toEqual([]);
        await checkFinalState(replay.ledger, client, audit, ACCOUNTS);
      }),
      runParameters(RUNS, TIMEOUT_MS - 15_000, { shrink: false }),
    );
    console.log(`injected: ${[...faults.injected].map(([name, n]) => `${name} ${n}`).join(', ')}`);
    console.log(
      `answers: ${[...statuses]
        .sort()
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')}`,
    );
    // The workload must actually have met every kind of fault, or it proved nothing about them.
    for (const kind of FAULT_KINDS) expect(faults.count(kind), kind).toBeGreaterThan(0);
    expect(faults.count('timeout-after', 'TransactWriteItemsCommand'), 'lost commit answers').toBeGreaterThan(0);
  });
});
