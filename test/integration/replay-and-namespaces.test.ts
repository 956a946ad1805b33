import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorClient, partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { rawRequest } from '../support/raw-http.ts';

let api: LocalApi;
let tenantId: string;
let partnerKey: string;
let partner: PartnerClient;
let platformToken: string;
let adminToken: string;

beforeAll(async () => {
  api = await startLocalApi();
  ({ tenantId, partnerKey } = await api.newTenant());
  partner = partnerClient(api.baseUrl, partnerKey);
  platformToken = await api.operatorToken(['platform_admin']);
  adminToken = await api.operatorToken(['tenant_admin'], tenantId);
});
afterAll(() => api?.close());

/** The same request twice under one key, raw: the replay must be the first answer's exact bytes. */
async function sentTwice(method: string, path: string, body: unknown, credentials: Record<string, string>, key: string) {
  const send = () =>
    rawRequest(api.baseUrl, {
      method,
      path,
      headers: { ...credentials, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  const first = await send();
  const replay = await send();
  return { first, replay };
}

describe('a replay is the first answer byte for byte', () => {
  const asPartner = () => ({ 'x-api-key': partnerKey });

  it('for account upsert, earn, redeem and reversal', async () => {
    const cases: [string, string, string, unknown][] = [
      [
        'account upsert',
        'PUT',
        '/api/v1/accounts/bytes',
        { profile: { profileId: 'p-bytes', role: 'MODEL' }, verification: { email: true, phone: true }, tier: 'Member' },
      ],
      [
        'earn',
        'POST',
        '/api/v1/earn',
        { accountId: 'bytes', source: { type: 'purchase', orderId: 'bytes-order', subtotalCents: 100_000 } },
      ],
      ['redeem', 'POST', '/api/v1/redeem', { accountId: 'bytes', points: 5000, orderId: 'bytes-redeem' }],
      ['reversal', 'POST', '/api/v1/reversals', { accountId: 'bytes', orderId: 'bytes-order', points: 100, reason: 'refund' }],
    ];
    for (const [name, method, path, body] of cases) {
      const { first, replay } = await sentTwice(method, path, body, asPartner(), `bytes-${name}`);
      expect(first.status, name).toBeLessThan(300);
      expect(first.headers['idempotent-replayed'], name).toBeUndefined();
      expect(replay.status, name).toBe(first.status);
      expect(replay.headers['idempotent-replayed'], name).toBe('true');
      expect(replay.text, name).toBe(first.text);
    }
  });

  it('for an operator write (creating a tenant)', async () => {
    const body = { tenantId: `bytes-${Date.now()}`, displayName: 'Bytes', timeZone: 'Europe/Paris' };
    const { first, replay } = await sentTwice(
      'POST',
      '/api/v1/admin/tenants',
      body,
      { authorization: `Bearer ${platformToken}` },
      'bytes-tenant',
    );
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
  });
});

describe('idempotency namespaces', () => {
  it('the same key used by a partner earn and an operator write in one tenant gives two independent outcomes', async () => {
    await partner.putAccount('ns');
    const key = { 'idempotency-key': 'shared-key-1' };
    const admin = operatorClient(api.baseUrl, adminToken);
    const earn = await partner.earn({ accountId: 'ns', source: { type: 'bonus', campaignId: 'c', points: 40 } }, key);
    const created = await admin.call('POST', `/api/v1/admin/tenants/${tenantId}/keys`, { scopes: ['read'], label: 'ns' }, key);
    expect(earn.status).toBe(201);
    // Neither a replay of the earn nor a "key reused with another request": its own outcome.
    expect(created.status).toBe(201);
    expect(created.headers.get('idempotent-replayed')).toBeNull();
    expect(created.body).toMatchObject({ scopes: ['read'], label: 'ns' });
    expect(typeof created.body.key).toBe('string');

    // Each retry replays its own first answer.
    const earnAgain = await partner.earn({ accountId: 'ns', source: { type: 'bonus', campaignId: 'c', points: 40 } }, key);
    expect(earnAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(earnAgain.body).toEqual(earn.body);
    const createdAgain = await admin.call('POST', `/api/v1/admin/tenants/${tenantId}/keys`, { scopes: ['read'], label: 'ns' }, key);
    expect(createdAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(createdAgain.body.keyId).toBe(created.body.keyId);
    expect((await partner.balance('ns')).body.balance).toBe(40);
  });
});

describe('deadline at the edge', () => {
  it('a handler with too little time left answers 503 service_unavailable with Retry-After and writes nothing', async () => {
    await partner.putAccount('late');
    const { handler } = await import('../../functions/api/handlers/earn.ts');
    const { localLambdaContext } = await import('../../local/gateway/lambda-context.ts');
    const context = { ...localLambdaContext('earn', 'late-1'), getRemainingTimeInMillis: () => 1000 };
    const answer = await handler(
      earnEvent(tenantId, 'late-key', { accountId: 'late', source: { type: 'bonus', campaignId: 'c', points: 10 } }) as never,
      context,
    );
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'service_unavailable' });
    expect(answer.headers?.['retry-after']).toBe('1');
    expect((await partner.balance('late')).body.balance).toBe(0);
    // The same key with time to spare commits once.
    const retry = await partner.earn(
      { accountId: 'late', source: { type: 'bonus', campaignId: 'c', points: 10 } },
      { 'idempotency-key': 'late-key' },
    );
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a domain refusal raised while loading (a tenant that is not provisioned) goes through the refusal table: 403 forbidden', async () => {
    const { handler } = await import('../../functions/api/handlers/earn.ts');
    const { localLambdaContext } = await import('../../local/gateway/lambda-context.ts');
    const answer = await handler(
      earnEvent('ghost-tenant', 'ghost-key', { accountId: 'a', source: { type: 'bonus', campaignId: 'c', points: 1 } }) as never,
      localLambdaContext('earn', 'ghost-1'),
    );
    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'forbidden', detail: 'This key belongs to a tenant that is not provisioned' });
  });
});

/** The proxy event API Gateway sends for an earn after the partner authorizer allowed it. */
function earnEvent(tenant: string, key: string, body: unknown) {
  return {
    resource: '/api/v1/earn',
    path: '/api/v1/earn',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    multiValueHeaders: { 'content-type': ['application/json'], 'idempotency-key': [key] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: `req-${key}`,
      authorizer: { tenantId: tenant, keyId: 'key-edge', scopes: 'earn' },
      identity: { sourceIp: '127.0.0.1' },
    },
  };
}
