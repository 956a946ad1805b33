import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DYNAMODB_CLIENT_LIMITS } from '../../functions/config/sdk-clients.ts';
import { getDocumentClient } from '../../functions/store/client.ts';
import { installFaultInjection, type FaultInjection } from '../support/fault-injection.ts';
import { startLocalApi, partnerClient, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { auditTenant, snapshotTenant } from '../support/table-audit.ts';
import { MAX_ATTEMPTS } from '../../functions/usecases/run-idempotent-command.ts';

/**
 * One fault at a time, made persistent (rate 1) so it outlasts the SDK's own retries and the
 * handler's reaction to it is what the client sees; then the fault clears and the client's
 * retry with the same key must settle the one outcome.
 */
let api: LocalApi;
let faults: FaultInjection;
let partner: PartnerClient;
let tenantId: string;

beforeAll(async () => {
  // Every 503 here is expected and the handler logs each as a warning: keep the output to errors.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  api = await startLocalApi();
  faults = installFaultInjection(getDocumentClient(), 1);
  const tenant = await api.newTenant();
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
  await partner.putAccount('f');
  // Warms the tenant configuration cache, so each case's faults meet the money path's calls.
  await partner.earn({ accountId: 'f', source: { type: 'bonus', campaignId: 'seed', points: 50_000 } });
});
beforeEach(() => faults.setRates({}));
afterAll(async () => {
  faults?.setRates({});
  expect((await auditTenant(tenantId)).violations).toEqual([]);
  await api?.close();
});

async function entriesFor(key: string) {
  const snapshot = await snapshotTenant(tenantId);
  return [...snapshot.entries.values()].flat().filter((entry) => entry.idempotencyKey === key);
}

const redeem = (key: string) => partner.redeem({ accountId: 'f', points: 5000, orderId: `order-${key}` }, { 'idempotency-key': key });

describe('faults that outlast the SDK retries', () => {
  it('a commit whose answer is lost on every attempt is 503; the retry returns the committed transaction', async () => {
    faults.setRates({ 'timeout-after': 1 }, { commands: ['TransactWriteItemsCommand'] });
    const lost = await redeem('lost-answer');
    faults.setRates({});
    expect(lost.status).toBe(503);
    expect(lost.body.code).toBe('service_unavailable');
    expect(lost.headers.get('retry-after')).toBe('1');
    // The SDK tried every attempt it has; the first committed, the others met its token.
    expect(faults.count('timeout-after', 'TransactWriteItemsCommand')).toBe(DYNAMODB_CLIENT_LIMITS.maxAttempts);
    const committed = await entriesFor('lost-answer');
    expect(committed).toHaveLength(1);

    const retry = await redeem('lost-answer');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.transactionId).toBe(committed[0]!.transactionId);
    expect(await entriesFor('lost-answer')).toHaveLength(1);
  });

  it('persistent throttling is 503 with Retry-After and commits nothing; the retry commits once', async () => {
    faults.setRates({ throttle: 1 });
    const throttled = await redeem('throttled');
    faults.setRates({});
    expect({ status: throttled.status, code: throttled.body.code }).toEqual({ status: 503, code: 'service_unavailable' });
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(await entriesFor('throttled')).toHaveLength(0);

    const retry = await redeem('throttled');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await entriesFor('throttled')).toHaveLength(1);
  });

  it('a timeout before the call is 503 and commits nothing; the retry commits once', async () => {
    faults.setRates({ 'timeout-before': 1 }, { commands: ['TransactWriteItemsCommand'] });
    const timedOut = await redeem('timed-out');
    faults.setRates({});
    expect(timedOut.status).toBe(503);
    expect(await entriesFor('timed-out')).toHaveLength(0);
    expect((await redeem('timed-out')).status).toBe(201);
    expect(await entriesFor('timed-out')).toHaveLength(1);
  });
});

describe('TransactionConflict (DynamoDB Local never raises it)', () => {
  it('on the idempotency record it is 409 idempotency_key_in_use with Retry-After, nothing committed', async () => {
    faults.setRates({ conflict: 1 }, { conflictOn: 'idempotency' });
    const inUse = await redeem('conflict-idem');
    faults.setRates({});
    expect({ status: inUse.status, code: inUse.body.code }).toEqual({ status: 409, code: 'idempotency_key_in_use' });
    expect(inUse.headers.get('retry-after')).toBe('1');
    expect(await entriesFor('conflict-idem')).toHaveLength(0);
    expect((await redeem('conflict-idem')).status).toBe(201);
    expect(await entriesFor('conflict-idem')).toHaveLength(1);
  });

  it('on another item the handler decides again, up to MAX_ATTEMPTS rounds, then answers 409 concurrent_update', async () => {
    const before = faults.count('conflict');
    faults.setRates({ conflict: 1 }, { conflictOn: 'other' });
    const busy = await redeem('conflict-other');
    faults.setRates({});
    expect({ status: busy.status, code: busy.body.code }).toEqual({ status: 409, code: 'concurrent_update' });
    expect(faults.count('conflict') - before).toBe(MAX_ATTEMPTS);
    expect(await entriesFor('conflict-other')).toHaveLength(0);
    expect((await redeem('conflict-other')).status).toBe(201);
    expect(await entriesFor('conflict-other')).toHaveLength(1);
  });

  it('a conflict that clears within the rounds is invisible to the client', async () => {
    const before = faults.count('conflict');
    faults.setRates({ conflict: 1 }, { conflictOn: 'other', limit: 3 });
    const response = await redeem('conflict-clears');
    expect(faults.count('conflict') - before).toBe(3);
    expect(response.status).toBe(201);
    expect(await entriesFor('conflict-clears')).toHaveLength(1);
  });
});
