import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoDbClientConfig } from '../../local/aws-env.ts';
import { existingOperatorIssuer } from '../../local/operator-issuer-key.ts';
import { newIdempotencyKey } from '../support/local-api.ts';
import { killLeftoverServices, startService, type RunningService } from '../support/local-service.ts';
import { rawRequest, type RawResponse } from '../support/raw-http.ts';

/*
 * SPEC 4 and issue 4: logs never contain keys, tokens or raw PII, and client IPs and device
 * ids are kept only as keyed hashes. The real service (`npm start`, data kept in a temporary
 * RRR_LOCAL_DIR so its secrets.json exists) runs a whole partner and operator session with
 * its most verbose logging; then everything it printed after its ready line is searched for
 * each secret and each raw value the session sent. (What it prints before the ready line is
 * the start-up banner, which shows the demo key to the person who started it, on purpose.)
 */
const TABLE = 'redroomrewards-local';
/** Loopback, but not 127.0.0.1: the service sees a client IP no other part of the run uses. */
const CLIENT_IP = '127.0.0.42';
const FORWARDED_IP = '203.0.113.77';

let localDir: string;
let service: RunningService;
let log = '';
const marker = (name: string) => `${name}-${randomBytes(6).toString('hex')}`;

/** Everything the session sends that must not be printed, by name. */
const secrets = new Map<string, string>();
/** Request bodies sent, each of which must not be printed whole. */
const bodies: string[] = [];
const deviceId = marker('device-of-member');
const statuses: string[] = [];
let ledger: RawResponse;

async function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  localAddress?: string,
): Promise<RawResponse> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (text !== undefined) bodies.push(text);
  const response = await rawRequest(service.credentials.baseUrl, {
    method,
    path,
    headers: {
      ...headers,
      ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' ? { 'idempotency-key': headers['idempotency-key'] ?? newIdempotencyKey() } : {}),
    },
    ...(text !== undefined ? { body: text } : {}),
    ...(localAddress ? { localAddress } : {}),
  });
  statuses.push(`${method} ${path.split('?')[0]} ${response.status}`);
  return response;
}

beforeAll(async () => {
  // The child inherits this: log everything the code can log (the test runner's default is WARN).
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  localDir = await mkdtemp(join(tmpdir(), 'rrr-log-privacy-'));
  service = await startService(localDir, []);
  const { partnerKey, platformAdminToken, tenantAdminToken, tenantId } = service.credentials;
  const hashKey = (JSON.parse(await readFile(join(localDir, 'secrets.json'), 'utf8')) as { hashKey: string }).hashKey;
  const issuerKey = (JSON.parse(await readFile(join(localDir, 'operator-issuer.json'), 'utf8')) as { privateJwk: { d: string } })
    .privateJwk;
  const issuer = await existingOperatorIssuer(localDir);
  const supportToken = await issuer.mint({ subject: 'support-1', roles: ['support'], tenantId });
  const financeToken = await issuer.mint({ subject: 'finance-1', roles: ['finance'] });
  const tokens = { platformAdminToken, tenantAdminToken, supportToken, financeToken };

  secrets.set('demo partner key', partnerKey);
  secrets.set('HASH_KEY', hashKey);
  secrets.set('HASH_KEY as base64', Buffer.from(hashKey, 'hex').toString('base64'));
  secrets.set('operator issuer private key', issuerKey.d);
  for (const [name, token] of Object.entries(tokens)) {
    secrets.set(name, token);
    secrets.set(`${name} signature`, token.split('.')[2]!);
    secrets.set(`${name} claims`, token.split('.')[1]!);
  }
  secrets.set('raw device id', deviceId);
  secrets.set('raw client IP', CLIENT_IP);
  secrets.set('forwarded client IP', FORWARDED_IP);

  const partner = { 'x-api-key': partnerKey };
  const platform = { authorization: `Bearer ${platformAdminToken}` };
  const member = marker('member');
  const profileId = marker('profile');
  secrets.set('profile id', profileId);
  const client = { ...partner, 'x-device-id': deviceId, 'x-forwarded-for': FORWARDED_IP };

  // A partner's day.
  expect(
    (
      await call(
        'PUT',
        `/api/v1/accounts/${member}`,
        client,
        { profile: { profileId, role: 'CONSUMER' }, verification: { email: true } },
        CLIENT_IP,
      )
    ).status,
  ).toBe(201);
  const earnBody = { accountId: member, source: { type: 'purchase', orderId: marker('order'), subtotalCents: 100_000 } };
  const earnKey = { ...client, 'idempotency-key': marker('earn-key') };
  expect((await call('POST', '/api/v1/earn', earnKey, earnBody, CLIENT_IP)).status).toBe(201);
  expect((await call('POST', '/api/v1/earn', earnKey, earnBody, CLIENT_IP)).headers['idempotent-replayed']).toBe('true');
  expect((await call('POST', '/api/v1/earn', client, earnBody, CLIENT_IP)).status).toBe(409);
  expect(
    (
      await call(
        'POST',
        '/api/v1/earn',
        client,
        { accountId: member, source: { type: 'bonus', campaignId: marker('campaign'), points: 500 } },
        CLIENT_IP,
      )
    ).status,
  ).toBe(201);
  expect(
    (await call('POST', '/api/v1/redeem', client, { accountId: member, points: 5000, orderId: marker('checkout') }, CLIENT_IP)).status,
  ).toBe(201);
  expect(
    (
      await call(
        'POST',
        '/api/v1/reversals',
        client,
        { accountId: member, orderId: earnBody.source.orderId, points: 1000, reason: 'refund' },
        CLIENT_IP,
      )
    ).status,
  ).toBe(201);
  expect((await call('GET', `/api/v1/balance?accountId=${member}`, client)).status).toBe(200);
  expect((await call('GET', `/api/v1/transactions?accountId=${member}&limit=10`, client)).status).toBe(200);
  expect((await call('GET', `/api/v1/accounts/${member}`, client)).status).toBe(200);

  // Mistakes and attacks, each carrying a value that must not be echoed into the logs.
  const badJson = `{"accountId":"${marker('bad-json')}", `;
  secrets.set('malformed body', badJson);
  expect((await call('POST', '/api/v1/earn', client, badJson)).status).toBe(400);
  const unknownField = marker('mass-assignment');
  secrets.set('unknown field value', unknownField);
  expect(
    (
      await call('POST', '/api/v1/earn', client, {
        accountId: member,
        source: { type: 'bonus', campaignId: 'c', points: 5 },
        isAdmin: unknownField,
      })
    ).status,
  ).toBe(400);
  const hostileId = `${marker('hostile')}#T#other`;
  secrets.set('hostile account id', hostileId);
  expect((await call('POST', '/api/v1/redeem', client, { accountId: hostileId, points: 5000, orderId: 'o' })).status).toBe(400);
  expect(
    (
      await call('POST', '/api/v1/earn', client, {
        accountId: member,
        source: { type: 'bonus', campaignId: marker('big').padEnd(20_000, 'x'), points: 5 },
      })
    ).status,
  ).toBe(413);
  const wrongKey = `rrr_${randomBytes(32).toString('base64url')}`;
  secrets.set('unknown partner key', wrongKey);
  expect((await call('GET', `/api/v1/balance?accountId=${member}`, { 'x-api-key': wrongKey })).status).toBe(401);
  const forged = `${platformAdminToken.split('.').slice(0, 2).join('.')}.${randomBytes(256).toString('base64url')}`;
  secrets.set('forged token signature', forged.split('.')[2]!);
  expect((await call('GET', `/api/v1/admin/tenants/${tenantId}`, { authorization: `Bearer ${forged}` })).status).toBe(401);

  // An operator's day: tenants, keys created, rotated and revoked, the audit trail.
  const newTenant = `logs-${randomBytes(3).toString('hex')}`;
  expect((await call('POST', '/api/v1/admin/tenants', platform, { tenantId: newTenant, displayName: marker('display-name') })).status).toBe(
    201,
  );
  const label = marker('key-label');
  secrets.set('key label', label);
  const created = await call('POST', `/api/v1/admin/tenants/${newTenant}/keys`, platform, { scopes: ['accounts', 'read'], label });
  expect(created.status).toBe(201);
  secrets.set('created partner key', created.json.key);
  const rotated = await call('POST', `/api/v1/admin/tenants/${newTenant}/keys/${created.json.keyId}/rotate`, platform, {
    overlapSeconds: 60,
  });
  expect(rotated.status).toBe(201);
  secrets.set('rotated partner key', rotated.json.key);
  expect((await call('GET', `/api/v1/accounts/nobody`, { 'x-api-key': rotated.json.key })).status).toBe(404);
  expect(
    (await call('POST', `/api/v1/admin/tenants/${newTenant}/keys/${rotated.json.keyId}/revoke`, platform, { reason: 'compromised' }))
      .status,
  ).toBe(200);
  expect((await call('GET', `/api/v1/accounts/nobody`, { 'x-api-key': rotated.json.key })).status).toBe(401);
  expect((await call('GET', `/api/v1/admin/tenants/${newTenant}/keys`, platform)).status).toBe(200);
  expect((await call('GET', `/api/v1/admin/tenants/${tenantId}`, { authorization: `Bearer ${tenantAdminToken}` })).status).toBe(200);
  expect((await call('GET', `/api/v1/admin/tenants/${tenantId}/keys`, { authorization: `Bearer ${supportToken}` })).status).toBe(200);
  expect(
    (await call('POST', `/api/v1/admin/tenants/${tenantId}/keys`, { authorization: `Bearer ${supportToken}` }, { scopes: ['read'] }))
      .status,
  ).toBe(403);
  ledger = await call('GET', `/api/v1/admin/tenants/${tenantId}/accounts/${member}/ledger`, { authorization: `Bearer ${financeToken}` });
  expect(ledger.status).toBe(200);

  // What the service stored, read straight from its DynamoDB Local before it stops.
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(localDynamoDbClientConfig(service.credentials.dynamodbEndpoint)));
  const items: unknown[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: TABLE, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  db.destroy();
  stored = JSON.stringify(items);
  hashKeyHex = hashKey;

  expect(await service.stop()).toBe(0);
  log = await service.outputAfterReady();
});

let stored = '';
let hashKeyHex = '';

afterAll(async () => {
  await killLeftoverServices();
  if (localDir) await rm(localDir, { recursive: true, force: true });
});

describe('logs of a full session of the real service', () => {
  it('were captured: every request of the session is in them, and the handlers logged too', () => {
    // Guards the scan below: an empty or partial capture would pass it for nothing.
    for (const line of ['POST /api/v1/earn 201', 'POST /api/v1/earn 409', 'GET /api/v1/balance 401', 'POST /api/v1/admin/tenants 201']) {
      expect(log).toContain(line);
    }
    expect(statuses.length).toBeGreaterThan(25);
    expect(log.split('\n').filter((line) => /^\{.*"level":/.test(line)).length, 'no structured handler log lines').toBeGreaterThan(0);
  });

  it('contain no partner key, operator token (nor its signature or claims), hash key or signing key', () => {
    for (const [name, value] of secrets) expect(log.includes(value), `${name} (${value.slice(0, 12)}…) is in the logs`).toBe(false);
    expect(log).not.toMatch(/rrr_[A-Za-z0-9_-]{43}/);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('contain no request body, whole or in part', () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) expect(log.includes(body.slice(0, 60)), `a body is in the logs: ${body.slice(0, 60)}`).toBe(false);
    expect(log).not.toMatch(/"profile"\s*:|"subtotalCents"\s*:|"verification"\s*:/);
  });
});

describe('client metadata the partner sent is stored only as keyed hashes', () => {
  const keyed = (purpose: string, value: string) =>
    createHmac('sha256', Buffer.from(hashKeyHex, 'hex')).update(`${purpose}\u0000${value}`).digest('base64url');

  it('the operator ledger shows the keyed hashes of the device id and the client IP', () => {
    const earn = ledger.json.items.find((entry: { type: string; amount: number }) => entry.type === 'EARN' && entry.amount === 12_000);
    expect(earn.clientMeta).toEqual({ ipHash: keyed('ip', CLIENT_IP), deviceHash: keyed('device', deviceId) });
  });

  it('the table holds neither the raw device id nor the client IP nor any partner key', () => {
    expect(stored.length).toBeGreaterThan(1000);
    expect(stored).toContain(keyed('device', deviceId));
    for (const name of [
      'raw device id',
      'raw client IP',
      'forwarded client IP',
      'demo partner key',
      'created partner key',
      'rotated partner key',
    ]) {
      expect(stored.includes(secrets.get(name)!), `${name} is stored in the table`).toBe(false);
    }
    expect(stored).not.toMatch(/rrr_[A-Za-z0-9_-]{43}/);
  });
});
