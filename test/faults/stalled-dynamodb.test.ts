import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as tick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.ts';
import { cacheAllowedAnswers } from '../support/cached-authorizer.ts';
import { newIdempotencyKey, partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { auditTenant, scanTenantItems } from '../support/table-audit.ts';

/**
 * A database that stops answering (DynamoDB Local's JVM frozen with SIGSTOP: connections are
 * still accepted by the kernel, nothing comes back) must not hold a request until the Lambda
 * times out: the SDK clients' request timeouts and attempts (functions/config/sdk-clients.ts)
 * end it, and the handler answers 503 service_unavailable with Retry-After. Once the database
 * answers again the service recovers, the refused request left nothing behind, and its retry
 * with the same Idempotency-Key applies it once. Wall time is printed, not asserted.
 */
let dynamo: DynamoDbLocal;
let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;
let stopped = false;

const ACCOUNT = 'stall-1';

/** Every thread of the process is in the state ('T' stopped, or any other) the kernel reports. */
function allThreadsStopped(pid: number): boolean {
  const states = readdirSync(`/proc/${pid}/task`).map((tid) => {
    try {
      // The state follows the command name, which is in parentheses and may contain spaces.
      return readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    } catch {
      return 'T'; // a thread that ended meanwhile
    }
  });
  return states.every((state) => state === 'T' || state === 't');
}

/**
 * SIGSTOP is delivered asynchronously: a JVM's threads stop one by one, and a request sent at
 * once could still be served. Wait until the kernel reports every thread stopped (a condition,
 * checked every millisecond), so the request under test surely meets a frozen database.
 */
async function freeze(): Promise<void> {
  process.kill(dynamo.pid, 'SIGSTOP');
  stopped = true;
  while (!allThreadsStopped(dynamo.pid)) await tick(1);
}

function thaw(): void {
  if (!stopped) return;
  process.kill(dynamo.pid, 'SIGCONT');
  stopped = false;
}

beforeAll(async () => {
  // The 503 is expected and the handler logs it as a warning: keep the output to errors.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  dynamo = await startDynamoDbLocal({});
  // As on AWS, the gateway keeps the authorizer's Allow: the request reaches the handler,
  // whose answer to the stalled database is what is under test.
  api = await startLocalApi({ endpoint: dynamo.endpoint, wrapAuthorizer: cacheAllowedAnswers });
  const tenant = await api.newTenant();
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
  expect((await partner.putAccount(ACCOUNT)).status).toBe(201);
  expect((await partner.earn({ accountId: ACCOUNT, source: { type: 'bonus', campaignId: 'warm-up', points: 100 } })).status).toBe(201);
  // Warms the authorizer's cache for the balance route too.
  expect((await partner.balance(ACCOUNT)).status).toBe(200);
});

afterAll(async () => {
  if (dynamo) {
    thaw();
    await dynamo.stop();
  }
  await api?.close();
});

describe('a stalled DynamoDB', () => {
  it('is answered 503 service_unavailable with Retry-After, and once it answers again the retry applies the request once', async () => {
    const before = await scanTenantItems(tenantId);
    const balanceBefore = (await partner.balance(ACCOUNT)).body.balance as number;
    const key = newIdempotencyKey();
    const earn = { accountId: ACCOUNT, source: { type: 'bonus', campaignId: 'during-stall', points: 250 } };

    await freeze();
    const timed = async <T>(label: string, call: () => Promise<T & { status: number }>): Promise<T & { status: number }> => {
      const started = performance.now();
      const response = await call();
      console.log(`stalled database: ${label} answered ${response.status} after ${Math.round(performance.now() - started)} ms`);
      return response;
    };
    const refused = await timed('earn', () => partner.earn(earn, { 'idempotency-key': key }));
    const read = await timed('balance', () => partner.balance(ACCOUNT));
    for (const [label, response] of [
      ['earn', refused],
      ['balance', read],
    ] as const) {
      expect(response.status, label).toBe(503);
      expect(response.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
      expect(response.body, label).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(Number(response.headers.get('retry-after')), label).toBeGreaterThan(0);
    }

    thaw();
    // Recovered: the same read answers, and the refused earn left nothing behind (the
    // decision's read timed out, so no transaction was sent).
    const after = await partner.balance(ACCOUNT);
    expect(after.status).toBe(200);
    expect(after.body.balance).toBe(balanceBefore);
    expect(await scanTenantItems(tenantId)).toEqual(before);

    // The client's retry with the same key applies it once; a second retry is a replay.
    const retried = await partner.earn(earn, { 'idempotency-key': key });
    expect(retried.status).toBe(201);
    const replayed = await partner.earn(earn, { 'idempotency-key': key });
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(retried.body);
    expect((await partner.balance(ACCOUNT)).body.balance).toBe(balanceBefore + 250);
    expect((await auditTenant(tenantId)).violations).toEqual([]);
  });
});
