import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.ts';
import { getFreePort } from '../../local/free-port.ts';
import { localDateOf } from '../model/calendar.ts';
import { checkFinalState } from '../model/final-state.ts';
import type { ModelRequest } from '../model/reference-ledger.ts';
import { replayInCommitOrder } from '../model/replay-in-commit-order.ts';
import { occurredAtFor } from '../model/request-arbitraries.ts';
import { MODEL_TENANT_LIMITS } from '../model/run-settings.ts';
import { sendModelRequest } from '../model/send-request.ts';
import { cacheAllowedAnswers } from '../support/cached-authorizer.ts';
import { startLocalApi, partnerClient, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { isRetryLater, OutcomeLog } from '../support/outcome-log.ts';
import { auditTenant, snapshotTenant } from '../support/table-audit.ts';

/**
 * DynamoDB Local with its data on disk, stopped and started again on the same port while
 * clients are mid-workload. What must hold: requests during the outage are answered 503 and
 * leave nothing behind; requests cut off mid-way committed entirely or not at all; every
 * client retrying with its key after the restart gets the one outcome; the books audit clean.
 */
const TIME_ZONE = 'America/Toronto';
const T0 = Date.now();
const ACCOUNTS = ['r-0', 'r-1', 'r-2', 'r-3'];
const CLIENTS = 8;
const OPS_PER_CLIENT = 12;
/** The database goes down once this many answers have come back. */
const STOP_AFTER_ANSWERS = 30;

let dataDir: string;
let port: number;
let dynamo: DynamoDbLocal;
let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;
const log = new OutcomeLog();
const requests = new Map<string, ModelRequest>();

const send = (key: string) => log.record(key, () => sendModelRequest({ partner }, key, requests.get(key)!));

beforeAll(async () => {
  // Every 503 here is expected and the handler logs each as a warning: keep the output to errors.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'rrr-restart-'));
  port = await getFreePort();
  dynamo = await startDynamoDbLocal({ dataDir, port });
  api = await startLocalApi({ endpoint: dynamo.endpoint, wrapAuthorizer: cacheAllowedAnswers });
  const tenant = await api.newTenant(undefined, undefined, MODEL_TENANT_LIMITS);
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
  for (const accountId of ACCOUNTS) {
    requests.set(`setup-${accountId}`, {
      kind: 'putAccount',
      accountId,
      body: { profile: { profileId: `p-${accountId}`, role: 'CONSUMER' } },
    });
    requests.set(`seed-${accountId}`, {
      kind: 'earn',
      body: { accountId, source: { type: 'bonus', campaignId: 'seed', points: 20_000 }, occurredAt: occurredAtFor(T0, 0, 365) },
    });
    for (const key of [`setup-${accountId}`, `seed-${accountId}`]) expect((await send(key)).status).toBe(201);
  }
});
afterAll(async () => {
  await api?.close();
  await dynamo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Client c works on account c mod 4: earn, purchase, redeem, partial refund of its last purchase, and again. */
function clientRequests(c: number): { key: string; request: ModelRequest }[] {
  const accountId = ACCOUNTS[c % ACCOUNTS.length]!;
  const occurredAt = occurredAtFor(T0, 0, 365);
  return Array.from({ length: OPS_PER_CLIENT }, (_, i) => {
    const round = Math.floor(i / 4);
    const request: ModelRequest = [
      { kind: 'earn', body: { accountId, source: { type: 'bonus', campaignId: `c${c}`, points: 700 + i }, occurredAt } },
      { kind: 'earn', body: { accountId, source: { type: 'purchase', orderId: `o-${c}-${round}`, subtotalCents: 25_000 }, occurredAt } },
      { kind: 'redeem', body: { accountId, points: 5000, orderId: `checkout-${c}-${round}` } },
      { kind: 'reverse', body: { accountId, orderId: `o-${c}-${round}`, points: 400 } },
    ][i % 4] as ModelRequest;
    return { key: `client-${c}-${i}`, request };
  });
}

describe('a DynamoDB Local restart in the middle of a workload', () => {
  it('outage requests get 503 and leave nothing; cut-off requests settle exactly once on retry; the books audit clean', {
    timeout: 120_000,
  }, async () => {
    let markBackUp!: () => void;
    const backUp = new Promise<void>((resolve) => (markBackUp = resolve));
    let reachedStopPoint!: () => void;
    const stopPoint = new Promise<void>((resolve) => (reachedStopPoint = resolve));
    let markDown!: () => void;
    const down = new Promise<void>((resolve) => (markDown = resolve));
    let answered = 0;
    let cutOff = 0;

    /** A partner's client: each request is sent again with its key until the answer is definitive. */
    const runClient = async (c: number) => {
      for (const { key, request } of clientRequests(c)) {
        requests.set(key, request);
        for (;;) {
          const answer = await send(key);
          if ((answered += 1) === STOP_AFTER_ANSWERS) reachedStopPoint();
          // Past the stop point, clients send on only once the database is down, so however
          // fast they are, some requests always meet the outage.
          if (answered >= STOP_AFTER_ANSWERS) await down;
          if (!isRetryLater(answer)) break;
          // "Retry later": during the outage, later means once the database is back.
          if (answer.status === 503) {
            cutOff += 1;
            await backUp;
          }
        }
      }
    };
    const clients = Promise.all(Array.from({ length: CLIENTS }, (_, c) => runClient(c)));

    await stopPoint;
    await dynamo.stop();
    markDown();
    const probeKeys = ACCOUNTS.map((accountId) => {
      const key = `outage-${accountId}`;
      requests.set(key, { kind: 'redeem', body: { accountId, points: 5000, orderId: `outage-${accountId}` } });
      return key;
    });
    const probes = await Promise.all(probeKeys.map(send));
    for (const probe of probes) {
      expect({ status: probe.status, code: probe.body.code, retryAfter: probe.headers.get('retry-after') }).toEqual({
        status: 503,
        code: 'service_unavailable',
        retryAfter: '1',
      });
    }

    dynamo = await startDynamoDbLocal({ dataDir, port });
    // Before anyone retries: the outage requests left no trace (no entry, no idempotency record).
    const afterRestart = await snapshotTenant(tenantId);
    const touched = [...afterRestart.entries.values()].flat().filter((entry) => probeKeys.includes(entry.idempotencyKey));
    expect(touched).toEqual([]);
    expect(afterRestart.idempotency.filter((record) => probeKeys.includes(record.idempotencyKey))).toEqual([]);
    markBackUp();
    await clients;
    for (const key of probeKeys) {
      const retry = await send(key);
      expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    }

    expect(cutOff, 'client requests cut off by the outage').toBeGreaterThan(0);
    expect(log.violations([503]), 'one outcome per key').toEqual([]);
    const audit = await auditTenant(tenantId);
    const replay = replayInCommitOrder(audit, requests, log.committed(), TIME_ZONE, localDateOf(T0, TIME_ZONE));
    expect(replay.violations, 'serial replay in commit order').toEqual([]);
    await checkFinalState(replay.ledger, partner, audit, ACCOUNTS);
    console.log(
      `restart: ${log.answers.length} answers, ${cutOff} client requests cut off by the outage and retried, ${log.committed().size} committed`,
    );
  });
});
