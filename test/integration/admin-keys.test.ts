import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantExpiredKey } from '../support/expired-key.ts';
import { operatorClient, partnerClient, startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;
let platform: ReturnType<typeof operatorClient>;

beforeAll(async () => {
  api = await startLocalApi();
  platform = operatorClient(api.baseUrl, await api.operatorToken(['platform_admin']));
});
afterAll(() => api?.close());

const tenantAdmin = async (tenantId: string) => operatorClient(api.baseUrl, await api.operatorToken(['tenant_admin'], tenantId));

describe('tenants', () => {
  it('a platform admin creates a tenant once; a second create is 409', async () => {
    const created = await platform.call('POST', '/api/v1/admin/tenants', {
      tenantId: 'acme',
      displayName: 'Acme',
      timeZone: 'Europe/Paris',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tenantId: 'acme',
      timeZone: 'Europe/Paris',
      ruleVersions: [{ version: 1, purchasePointsPerUsd: 12 }],
    });
    const again = await platform.call('POST', '/api/v1/admin/tenants', { tenantId: 'acme', displayName: 'Acme' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_exists');
  });

  it('refuses an unknown time zone', async () => {
    const response = await platform.call('POST', '/api/v1/admin/tenants', {
      tenantId: 'tz-test',
      displayName: 'x',
      timeZone: 'Mars/Olympus',
    });
    expect(response.status).toBe(400);
  });

  it('a tenant admin may not create tenants (403) and sees only their own tenant (404 for others)', async () => {
    await platform.call('POST', '/api/v1/admin/tenants', { tenantId: 'beta', displayName: 'Beta' });
    const admin = await tenantAdmin('beta');
    expect((await admin.call('POST', '/api/v1/admin/tenants', { tenantId: 'gamma', displayName: 'G' })).status).toBe(403);
    expect((await admin.call('GET', '/api/v1/admin/tenants/beta')).status).toBe(200);
    const other = await admin.call('GET', '/api/v1/admin/tenants/acme');
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('not_found');
  });
});

describe('partner key lifecycle', () => {
  let admin: ReturnType<typeof operatorClient>;
  beforeAll(async () => {
    await platform.call('POST', '/api/v1/admin/tenants', { tenantId: 'keys', displayName: 'Keys' });
    admin = await tenantAdmin('keys');
  });

  it('creates a scoped key shown once: a replay tells what was created, without the key', async () => {
    const headers = { 'idempotency-key': 'create-read-key' };
    const created = await admin.call(
      'POST',
      '/api/v1/admin/tenants/keys/keys',
      { scopes: ['read', 'accounts'], label: 'reporting' },
      headers,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenantId: 'keys', scopes: ['read', 'accounts'], status: 'active', label: 'reporting' });
    expect(created.body.key).toMatch(/^rrr_/);
    expect(created.body).not.toHaveProperty('keyHash');
    const replay = await admin.call(
      'POST',
      '/api/v1/admin/tenants/keys/keys',
      { scopes: ['read', 'accounts'], label: 'reporting' },
      headers,
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.keyId).toBe(created.body.keyId);
    expect(replay.body).not.toHaveProperty('key');

    const partner = partnerClient(api.baseUrl, created.body.key);
    expect((await partner.putAccount('m1')).status).toBe(201);
    expect((await partner.balance('m1')).status).toBe(200);
    const earn = await partner.earn({ accountId: 'm1', source: { type: 'bonus', campaignId: 'c', points: 5 } });
    expect(earn.status).toBe(403);
    expect(earn.body.code).toBe('forbidden');
  });

  it('lists keys with their last use and never the key or its hash', async () => {
    const created = await admin.call('POST', '/api/v1/admin/tenants/keys/keys', { scopes: ['read'] });
    await partnerClient(api.baseUrl, created.body.key).balance('m1');
    const listed = await admin.call('GET', '/api/v1/admin/tenants/keys/keys');
    expect(listed.status).toBe(200);
    const entry = listed.body.items.find((k: { keyId: string }) => k.keyId === created.body.keyId);
    expect(entry).toMatchObject({ status: 'active', scopes: ['read'], lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toMatch(/rrr_|keyHash/);
  });

  it('revocation takes effect at once locally (on AWS within the 300 s authorizer cache)', async () => {
    const created = await admin.call('POST', '/api/v1/admin/tenants/keys/keys', { scopes: ['read'] });
    const partner = partnerClient(api.baseUrl, created.body.key);
    expect((await partner.balance('m1')).status).toBe(200);
    const revoked = await admin.call('POST', `/api/v1/admin/tenants/keys/keys/${created.body.keyId}/revoke`, { reason: 'compromised' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokeReason: 'compromised' });
    expect((await partner.balance('m1')).status).toBe(401);
    const twice = await admin.call('POST', `/api/v1/admin/tenants/keys/keys/${created.body.keyId}/revoke`, { reason: 'compromised' });
    expect(twice.status).toBe(404);
  });

  it('rotation keeps both keys working through the overlap; with no overlap the old key stops', async () => {
    const old = await admin.call('POST', '/api/v1/admin/tenants/keys/keys', { scopes: ['read'] });
    const rotated = await admin.call('POST', `/api/v1/admin/tenants/keys/keys/${old.body.keyId}/rotate`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ scopes: ['read'], replaces: { keyId: old.body.keyId, expiresAt: expect.any(String) } });
    expect((await partnerClient(api.baseUrl, old.body.key).balance('m1')).status).toBe(200);
    expect((await partnerClient(api.baseUrl, rotated.body.key).balance('m1')).status).toBe(200);

    const next = await admin.call('POST', `/api/v1/admin/tenants/keys/keys/${rotated.body.keyId}/rotate`, { overlapSeconds: 0 });
    expect(next.status).toBe(201);
    expect((await partnerClient(api.baseUrl, rotated.body.key).balance('m1')).status).toBe(401);
    expect((await partnerClient(api.baseUrl, next.body.key).balance('m1')).status).toBe(200);
  });

  it('an expired key is refused', async () => {
    const expired = await plantExpiredKey('keys', ['read']);
    expect((await partnerClient(api.baseUrl, expired.key).balance('m1')).status).toBe(401);
  });

  it('a key cannot be created already expired: 400 validation_error naming expiresAt, and no key is made', async () => {
    const before = (await admin.call('GET', '/api/v1/admin/tenants/keys/keys')).body.items.length;
    for (const expiresAt of ['2020-01-01T00:00:00Z', new Date(Date.now() - 1000).toISOString()]) {
      const refused = await admin.call('POST', '/api/v1/admin/tenants/keys/keys', { scopes: ['read'], expiresAt });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        code: 'validation_error',
        detail: expect.stringMatching(/^body\.expiresAt: expected an instant in the future/),
        errors: [{ path: 'body.expiresAt', message: expect.stringContaining(expiresAt) }],
      });
      expect(refused.body).not.toHaveProperty('key');
    }
    expect((await admin.call('GET', '/api/v1/admin/tenants/keys/keys')).body.items).toHaveLength(before);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await admin.call('POST', '/api/v1/admin/tenants/keys/keys', { scopes: ['read'], expiresAt: later })).status).toBe(201);
  });

  it('provisioning and the deploy script create and revoke through the same use case, reason recorded', async () => {
    const { provisionTenant } = await import('../../functions/usecases/provision-tenant.ts');
    const { commitPartnerKeyChange, createPartnerKey, revokePartnerKey } = await import('../../functions/usecases/partner-keys.ts');
    const provisioned = await provisionTenant({ tenantId: 'keys', displayName: 'Keys', scopes: ['read'] });
    expect((await partnerClient(api.baseUrl, provisioned.partnerKey).balance('m1')).status).toBe(200);
    const now = new Date().toISOString();
    await commitPartnerKeyChange(await revokePartnerKey({ tenantId: 'keys', keyId: provisioned.keyId, reason: 'partner_offboarded', now }));
    expect((await partnerClient(api.baseUrl, provisioned.partnerKey).balance('m1')).status).toBe(401);
    const listed = (await admin.call('GET', '/api/v1/admin/tenants/keys/keys')).body.items.find(
      (key: { keyId: string }) => key.keyId === provisioned.keyId,
    );
    expect(listed).toMatchObject({ status: 'revoked', revokedAt: now, revokeReason: 'partner_offboarded' });
    expect(await revokePartnerKey({ tenantId: 'keys', keyId: provisioned.keyId, reason: 'other', now })).toMatchObject({
      ok: false,
      code: 'partner_key_not_found',
    });
    expect(createPartnerKey({ tenantId: 'keys', scopes: ['read'], now, expiresAt: now })).toMatchObject({
      ok: false,
      code: 'expiry_not_in_future',
      detail: expect.stringMatching(/body\.expiresAt: expected an instant in the future/),
    });
  });

  it('support may list keys but not create, rotate or revoke them', async () => {
    const support = operatorClient(api.baseUrl, await api.operatorToken(['support'], 'keys'));
    expect((await support.call('GET', '/api/v1/admin/tenants/keys/keys')).status).toBe(200);
    expect((await support.call('POST', '/api/v1/admin/tenants/keys/keys', { scopes: ['read'] })).status).toBe(403);
  });

  it("a tenant admin cannot touch another tenant's keys", async () => {
    const intruder = await tenantAdmin('beta');
    expect((await intruder.call('GET', '/api/v1/admin/tenants/keys/keys')).status).toBe(404);
    expect((await intruder.call('POST', '/api/v1/admin/tenants/keys/keys', { scopes: ['earn'] })).status).toBe(404);
  });
});

describe("the AWS path: the partner authorizer names the tenant's usage key (API key source AUTHORIZER)", () => {
  const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod';
  const authorizerEvent = (key: string) =>
    ({
      type: 'REQUEST',
      methodArn: `${PREFIX}/GET/api/v1/balance`,
      headers: { 'x-api-key': key },
    }) as unknown as APIGatewayRequestAuthorizerEvent;

  async function storedUsageKey(tenantId: string): Promise<{ plan: string; usageKeyValue: string }> {
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { getDocumentClient } = await import('../../functions/store/client.ts');
    const { keys } = await import('../../functions/store/keys.ts');
    const out = await getDocumentClient().send(
      new GetCommand({ TableName: api.tableName, Key: keys.tenant(tenantId), ConsistentRead: true }),
    );
    return { plan: out.Item!.plan, usageKeyValue: out.Item!.usageKeyValue };
  }

  it("allows created and rotated keys with the tenant's usage key, never the partner key; denies a revoked key", async () => {
    const { handler } = await import('../../functions/api/handlers/authorize-partner.ts');
    const { USAGE_KEY_PATTERN } = await import('../../functions/security/usage-keys.ts');
    expect(
      (await platform.call('POST', '/api/v1/admin/tenants', { tenantId: 'metered', displayName: 'Metered', plan: 'high' })).status,
    ).toBe(201);
    const usage = await storedUsageKey('metered');
    expect(usage.plan).toBe('high');
    expect(usage.usageKeyValue).toMatch(USAGE_KEY_PATTERN);

    const admin = await tenantAdmin('metered');
    const created = await admin.call('POST', '/api/v1/admin/tenants/metered/keys', { scopes: ['read'] });
    expect(created.status).toBe(201);
    const allowed = await handler(authorizerEvent(created.body.key));
    expect(allowed.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: `${PREFIX}/GET/api/v1/balance` });
    expect(allowed.usageIdentifierKey).toBe(usage.usageKeyValue);
    expect(JSON.stringify(allowed)).not.toContain(created.body.key);

    const rotated = await admin.call('POST', `/api/v1/admin/tenants/metered/keys/${created.body.keyId}/rotate`, { overlapSeconds: 0 });
    expect(rotated.status).toBe(201);
    expect((await handler(authorizerEvent(rotated.body.key))).usageIdentifierKey).toBe(usage.usageKeyValue);
    await expect(handler(authorizerEvent(created.body.key))).rejects.toThrow('Unauthorized');

    const revoked = await admin.call('POST', `/api/v1/admin/tenants/metered/keys/${rotated.body.keyId}/revoke`, { reason: 'compromised' });
    expect(revoked.status).toBe(200);
    await expect(handler(authorizerEvent(rotated.body.key))).rejects.toThrow('Unauthorized');
  });

  it("gives every tenant its own usage key, so one tenant's throttle is its own", async () => {
    await platform.call('POST', '/api/v1/admin/tenants', { tenantId: 'metered-b', displayName: 'B' });
    expect((await storedUsageKey('metered-b')).plan).toBe('standard');
    expect((await storedUsageKey('metered-b')).usageKeyValue).not.toBe((await storedUsageKey('metered')).usageKeyValue);
  });
});

describe('operator authentication', () => {
  async function forged(sign: (jwt: SignJWT) => Promise<string>) {
    const jwt = new SignJWT({ token_use: 'id', 'cognito:groups': ['platform_admin'] }).setSubject('mallory').setIssuedAt();
    return sign(jwt);
  }

  it('refuses missing, malformed, forged, expired, wrong-issuer, wrong-audience and alg:none tokens', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const issuer = api.operatorIssuer.issuer;
    const audience = 'redroomrewards-local-operators';
    const header = (alg: string) => Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        sub: 'mallory',
        iss: issuer,
        aud: audience,
        token_use: 'id',
        'cognito:groups': ['platform_admin'],
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    ).toString('base64url');
    const tokens = {
      missing: '',
      malformed: 'not-a-jwt',
      otherKey: await forged((j) =>
        j.setProtectedHeader({ alg: 'RS256' }).setIssuer(issuer).setAudience(audience).setExpirationTime('10m').sign(privateKey),
      ),
      algNone: `${header('none')}.${payload}.`,
      expired: await api.operatorIssuer.mint({ subject: 'old', roles: ['platform_admin'], ttlSeconds: -120 }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const response = await fetch(`${api.baseUrl}/api/v1/admin/tenants/acme`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      expect(response.status, name).toBe(401);
      expect(((await response.json()) as { code: string }).code, name).toBe('unauthorized');
    }
  });

  it('refuses a token from another issuer or for another audience', async () => {
    const { createOperatorIssuer } = await import('../../local/operator-issuer.ts');
    const stranger = await createOperatorIssuer({ issuer: 'https://evil.invalid', privateJwk: api.operatorIssuer.privateJwk });
    const wrongIssuer = await stranger.mint({ subject: 'x', roles: ['platform_admin'] });
    expect((await fetch(`${api.baseUrl}/api/v1/admin/tenants/acme`, { headers: { authorization: `Bearer ${wrongIssuer}` } })).status).toBe(
      401,
    );
    const key = await importJWK(api.operatorIssuer.privateJwk, 'RS256');
    const wrongAudience = await new SignJWT({ token_use: 'id', 'cognito:groups': ['platform_admin'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('x')
      .setIssuer(api.operatorIssuer.issuer)
      .setAudience('some-other-app')
      .setExpirationTime('10m')
      .sign(key);
    expect(
      (await fetch(`${api.baseUrl}/api/v1/admin/tenants/acme`, { headers: { authorization: `Bearer ${wrongAudience}` } })).status,
    ).toBe(401);
    const rightAudience = await api.operatorIssuer.mint({ subject: 'x', roles: ['platform_admin'] });
    expect(
      (await fetch(`${api.baseUrl}/api/v1/admin/tenants/acme`, { headers: { authorization: `Bearer ${rightAudience}` } })).status,
    ).toBe(200);
  });

  it('a partner key on an admin route is refused', async () => {
    const { partnerKey } = await api.newTenant();
    const response = await fetch(`${api.baseUrl}/api/v1/admin/tenants/acme`, { headers: { 'x-api-key': partnerKey } });
    expect(response.status).toBe(401);
  });
});
