import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey as JoseKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import type { OperatorRole, PartnerScope } from '../../functions/domain/vocabulary.ts';
import { LOCAL_OPERATOR_AUDIENCE } from '../../local/operator-issuer.ts';
import { OPERATOR_ONLY_FIELDS } from '../../schemas/visibility.ts';
import { plantExpiredKey } from '../support/expired-key.ts';
import { cloneJson, nodeAt, objectPaths, objectWith, schemaPath, type JsonPath } from '../support/json-paths.ts';
import { isObject, resolveRef, schemaErrors, type Schema } from '../support/json-schema.ts';
import { newIdempotencyKey, partnerClient, startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectNoInternals, expectProblem } from '../support/problem-assertions.ts';
import { rawRequest, type RawResponse } from '../support/raw-http.ts';
import {
  ALL_OPERATOR_ROLES,
  ALL_PARTNER_SCOPES,
  bodyRoutes,
  idFields,
  operatorRoutes,
  partnerRoutes,
  requestFields,
  routes,
  sampleFor,
  accountFixtures,
  SAMPLES,
  sendSample,
  toRawRequest,
  type Credentials,
  type Fixtures,
  type SampleRequest,
} from '../support/route-catalog.ts';
import { auditTenant } from '../support/table-audit.ts';
import { itemsOfTenant, snapshotTable } from '../support/table-snapshot.ts';

/*
 * The security suite, one `describe` per OWASP API Security Top 10 (2023) risk that applies.
 * Route lists come from the manifest (functions/api/manifest.ts) and shapes from the
 * published OpenAPI document, so a route added tomorrow is covered tomorrow: a route without
 * a sample request in test/support/route-catalog.ts fails the catalogue test below.
 *
 * Not applicable, and why:
 * - API7:2023 Server Side Request Forgery: no route takes a URL or a host, and the service
 *   makes no outbound request shaped by input (its only dependencies are its own DynamoDB
 *   table, S3 bucket and secret, addressed by configuration).
 * - API10:2023 Unsafe Consumption of APIs: the service consumes no third-party API; nothing
 *   it reads back comes from outside its own account. (Signed stream-session tokens for model
 *   awards, SPEC 3, will be the first; they need their own tests when they land.)
 *
 * Tenant A is the victim, tenant B the intruder; both are real tenants with all-scope keys.
 */

const openapi = JSON.parse(readFileSync(new URL('../../schemas/openapi.json', import.meta.url), 'utf8')) as Schema;
const operatorOnly = new Set<string>(OPERATOR_ONLY_FIELDS);

let api: LocalApi;
let A: { tenantId: string; partnerKey: string };
let B: { tenantId: string; partnerKey: string };
let platformToken: string;
let requesterToken: string;
let fixturesA: Fixtures;

function fixturesOf({ tenantId, partnerKey }: { tenantId: string; partnerKey: string }): Fixtures {
  return {
    ...accountFixtures(api.baseUrl, tenantId, partnerKey, platformToken, requesterToken),
    tenantId,
    accountId: 'victim',
    orderId: 'victim-order',
    keyId: async () => {
      const created = await sendSample(
        api.baseUrl,
        routeById('createPartnerKey'),
        { params: { tenantId }, body: { scopes: ['read'], label: 'fixture' } },
        { operatorToken: platformToken },
      );
      expect(created.status, created.text).toBe(201);
      return created.json.keyId as string;
    },
    newTenantId: () => `sec-${randomBytes(5).toString('hex')}`,
  };
}

const routeById = (operationId: string) => routes.find((route) => route.operationId === operationId)!;
const operationOf = (route: RouteDefinition): Schema => openapi.paths[route.path][route.method.toLowerCase()];

async function call(route: RouteDefinition, fixtures: Fixtures, credentials: Credentials, headers: Record<string, string> = {}) {
  return sendSample(api.baseUrl, route, await sampleFor(route, fixtures), credentials, headers);
}

/** The answer a valid request of an allowed caller gets: 2xx, or what the sample says it must be. */
const expectAllowed = (response: RawResponse, sample: SampleRequest, label: string) => {
  const where = `${label}: ${response.text.slice(0, 300)}`;
  if (sample.expectStatus !== undefined) return expect(response.status, where).toBe(sample.expectStatus);
  expect(response.status, where).toBeGreaterThanOrEqual(200);
  expect(response.status, where).toBeLessThan(300);
};

/** Every key anywhere in a JSON document, with where it is. */
function keysDeep(value: unknown, path = '$'): { key: string; path: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keysDeep(item, `${path}[${i}]`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [{ key, path: `${path}.${key}` }, ...keysDeep(child, `${path}.${key}`)]);
}

beforeAll(async () => {
  api = await startLocalApi();
  A = await api.newTenant();
  B = await api.newTenant();
  platformToken = await api.operatorToken(['platform_admin']);
  requesterToken = await api.operatorIssuer.mint({ subject: 'fixture-requester', roles: ['platform_admin'] });
  fixturesA = fixturesOf(A);
  const a = partnerClient(api.baseUrl, A.partnerKey);
  for (const accountId of ['victim', 'victim-put', 'victim-twin']) expect((await a.putAccount(accountId)).status).toBe(201);
  expect(
    (await a.earn({ accountId: 'victim', source: { type: 'purchase', orderId: 'victim-order', subtotalCents: 100_000 } })).status,
  ).toBe(201);
  expect((await a.earn({ accountId: 'victim', source: { type: 'bonus', campaignId: 'welcome', points: 50_000 } })).status).toBe(201);
  expect(
    (await a.earn({ accountId: 'victim-twin', source: { type: 'purchase', orderId: 'twin-order', subtotalCents: 50_000 } })).status,
  ).toBe(201);
});

afterAll(() => api?.close());

describe('the route catalogue', () => {
  it('has a valid sample request for every route of the manifest', async () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(routes.map((route) => route.operationId).sort());
    for (const route of routes) {
      const sample = await sampleFor(route, fixturesA);
      const op = operationOf(route);
      for (const param of op.parameters ?? []) {
        if (param.in === 'header') continue;
        const value = (param.in === 'path' ? sample.params : sample.query)?.[param.name];
        if (value === undefined) expect(param.required, `${route.operationId}: ${param.name} is required`).toBeFalsy();
        else expect(schemaErrors(param.schema, value, openapi), `${route.operationId} ${param.name}`).toEqual([]);
      }
      const body = op.requestBody?.content['application/json'].schema;
      if (body) expect(schemaErrors(body, sample.body, openapi), route.operationId).toEqual([]);
      else expect(sample.body, route.operationId).toBeUndefined();
    }
  });
});

describe('API1:2023 Broken Object Level Authorization', () => {
  const partnerIdRoutes = partnerRoutes.filter((route) => idFields(route).length > 0);

  it('every partner route that touches the table names the object it acts on', () => {
    const unscoped = partnerRoutes.filter((route) => route.tableAccess !== 'none' && idFields(route).length === 0);
    expect(unscoped.map((route) => route.operationId)).toEqual([]);
    expect(partnerIdRoutes.length).toBeGreaterThanOrEqual(7);
  });

  for (const route of partnerIdRoutes) {
    if (route.method === 'PUT') {
      // PUT is an upsert: the intruder can only ever create an account of its own tenant.
      it(`${route.operationId}: tenant B putting tenant A's account id creates B's own account and leaves A's untouched`, async () => {
        const victimPut = { ...fixturesA, accountId: 'victim-put' };
        const aItems = itemsOfTenant(await snapshotTable(), A.tenantId);
        const response = await sendSample(
          api.baseUrl,
          route,
          { ...(await sampleFor(route, victimPut)), body: { profile: { profileId: 'intruder', role: 'MODEL' } } },
          { partnerKey: B.partnerKey },
        );
        expect(response.status).toBe(201);
        expect(itemsOfTenant(await snapshotTable(), A.tenantId)).toEqual(aItems);
        const mine = await partnerClient(api.baseUrl, A.partnerKey).getAccount('victim-put');
        expect(mine.body.profile).toEqual({ profileId: 'p-victim-put', role: 'CONSUMER' });
      });
    } else {
      it(`${route.operationId}: tenant B naming tenant A's ${idFields(route).join(', ')} gets 404 and nothing changes`, async () => {
        // The sample first: its fixture (a hold to name) is A's own doing, not the intruder's.
        const sample = await sampleFor(route, fixturesA);
        const before = await snapshotTable();
        expectProblem(await sendSample(api.baseUrl, route, sample, { partnerKey: B.partnerKey }), 404, 'not_found', route.operationId);
        expect(await snapshotTable()).toEqual(before);
      });
    }
  }

  it("an account of tenant B with the same id as one of tenant A's is a different account: A's ledger and orders stay out of reach", async () => {
    const b = partnerClient(api.baseUrl, B.partnerKey);
    const before = itemsOfTenant(await snapshotTable(), A.tenantId);
    expect((await b.putAccount('victim-twin')).status).toBe(201);
    expect((await b.balance('victim-twin')).body).toMatchObject({ balance: 0, available: 0 });
    expect((await b.transactions('accountId=victim-twin')).body.items).toEqual([]);
    const reversal = await b.reverse({ accountId: 'victim-twin', orderId: 'twin-order' });
    expect(reversal.status).toBe(404);
    expect(reversal.body.code).toBe('not_found');
    expect(itemsOfTenant(await snapshotTable(), A.tenantId)).toEqual(before);
  });

  const operatorIdRoutes = operatorRoutes.filter((route) => requestFields(route).params.includes('tenantId'));
  it('operator routes that name a tenant are checked for every tenant-bound role they allow', () => {
    expect(operatorIdRoutes.length).toBeGreaterThanOrEqual(6);
  });

  for (const route of operatorIdRoutes) {
    const otherIds = requestFields(route).params.filter((name) => name !== 'tenantId' && /Id$/.test(name));
    for (const role of (route.roles ?? []).filter((r) => r !== 'platform_admin')) {
      it(`${route.operationId}: a ${role} of tenant B naming tenant A gets 404 and nothing changes`, async () => {
        const token = await api.operatorToken([role], B.tenantId);
        const sample = await sampleFor(route, fixturesA);
        const before = await snapshotTable();
        expectProblem(await sendSample(api.baseUrl, route, sample, { operatorToken: token }), 404, 'not_found', route.operationId);
        expect(await snapshotTable()).toEqual(before);
      });
      if (otherIds.length > 0) {
        it(`${route.operationId}: a ${role} of tenant B, under B's own path, naming A's ${otherIds.join(', ')} gets 404`, async () => {
          const token = await api.operatorToken([role], B.tenantId);
          // Tenant B in the path; the account or key id belongs to tenant A only.
          const sample = await sampleFor(route, { ...fixturesA, tenantId: B.tenantId });
          const before = await snapshotTable();
          expectProblem(await sendSample(api.baseUrl, route, sample, { operatorToken: token }), 404, 'not_found', route.operationId);
          expect(await snapshotTable()).toEqual(before);
        });
      }
    }
  }
});

describe('API2:2023 Broken Authentication', () => {
  // A valid key of another tenant authenticates as that tenant only: API1 shows it gets 404 for A's objects.
  describe('partner keys', () => {
    let badKeys: [string, Record<string, string>][];

    beforeAll(async () => {
      const admin = { operatorToken: platformToken };
      const create = async (body: unknown) => {
        const created = await sendSample(api.baseUrl, routeById('createPartnerKey'), { params: { tenantId: A.tenantId }, body }, admin);
        expect(created.status, created.text).toBe(201);
        return created.json as { key: string; keyId: string };
      };
      const revoked = await create({ scopes: ALL_PARTNER_SCOPES });
      const revoke = await sendSample(
        api.baseUrl,
        routeById('revokePartnerKey'),
        { params: { tenantId: A.tenantId, keyId: revoked.keyId }, body: { reason: 'compromised' } },
        admin,
      );
      expect(revoke.status).toBe(200);
      // The API refuses to create a key already expired; one that lapsed is written directly.
      const expired = await plantExpiredKey(A.tenantId, ALL_PARTNER_SCOPES);
      const rotatedOut = await create({ scopes: ALL_PARTNER_SCOPES });
      const rotate = await sendSample(
        api.baseUrl,
        routeById('rotatePartnerKey'),
        { params: { tenantId: A.tenantId, keyId: rotatedOut.keyId }, body: { overlapSeconds: 0 } },
        admin,
      );
      expect(rotate.status).toBe(201);
      const valid = A.partnerKey;
      const flipped = `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`;
      const swapCase = valid.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
      badKeys = [
        ['no key at all', {}],
        ['an empty key', { 'x-api-key': '' }],
        ['a malformed key', { 'x-api-key': 'not-a-key' }],
        ['a truncated key', { 'x-api-key': valid.slice(0, -1) }],
        ['a key with one character changed', { 'x-api-key': flipped }],
        ['the key in swapped case', { 'x-api-key': swapCase }],
        ['the key with a space inside', { 'x-api-key': `${valid.slice(0, 12)} ${valid.slice(12)}` }],
        ['an unknown well-formed key', { 'x-api-key': `rrr_${randomBytes(32).toString('base64url')}` }],
        ['the key as a bearer token', { authorization: `Bearer ${valid}` }],
        ['the key in a cookie', { cookie: `x-api-key=${valid}` }],
        ['a revoked key', { 'x-api-key': revoked.key }],
        ['an expired key', { 'x-api-key': expired.key }],
        ['a key rotated out without overlap', { 'x-api-key': rotatedOut.key }],
        ['an operator token instead of a key', { authorization: `Bearer ${platformToken}` }],
      ];
    });

    for (const route of partnerRoutes) {
      it(`${route.operationId}: missing, malformed, unknown, revoked, expired and rotated-out keys get 401 and change nothing`, async () => {
        const sample = await sampleFor(route, fixturesA);
        const before = await snapshotTable();
        for (const [name, headers] of badKeys) {
          expectProblem(
            await sendSample(api.baseUrl, route, sample, { headers }),
            401,
            'unauthorized',
            `${route.operationId} with ${name}`,
          );
        }
        expect(await snapshotTable()).toEqual(before);
        // The same request with the right key goes through: the key was the only thing wrong.
        expectAllowed(await sendSample(api.baseUrl, route, sample, { partnerKey: A.partnerKey }), sample, route.operationId);
      });
    }
  });

  describe('operator tokens', () => {
    let badTokens: [string, string | undefined][];

    beforeAll(async () => {
      const issuer = api.operatorIssuer;
      const kid = issuer.privateJwk.kid!;
      const realKey = (await importJWK(issuer.privateJwk, 'RS256')) as JoseKey;
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = issuer.privateJwk;
      const publicPem = createPublicKey({ key: publicJwk as never, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const attacker = await generateKeyPair('RS256', { extractable: true });
      const attackerJwk: JWK = await exportJWK(attacker.publicKey);
      const now = Math.floor(Date.now() / 1000);
      const admin = { token_use: 'id', 'cognito:groups': ['platform_admin'] };
      type Claims = Record<string, unknown>;
      const sign = (claims: Claims, header: Record<string, unknown> = { alg: 'RS256', kid }, key: JoseKey | Uint8Array = realKey) =>
        new SignJWT(claims).setProtectedHeader(header as never).sign(key);
      const std = (extra: Claims = {}): Claims => ({
        sub: 'mallory',
        iss: issuer.issuer,
        aud: LOCAL_OPERATOR_AUDIENCE,
        iat: now,
        exp: now + 600,
        ...admin,
        ...extra,
      });
      const without = (claims: Claims, name: string) => Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const valid = await api.operatorToken(['tenant_admin'], B.tenantId);
      const [validHeader, , validSignature] = valid.split('.');

      badTokens = [
        ['no Authorization header', undefined],
        ['an empty bearer', 'Bearer '],
        ['a bearer that is no JWT', 'Bearer not-a-jwt'],
        ['Basic credentials', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
        ['a valid token without the Bearer scheme', valid],
        ['a partner key as a bearer token', `Bearer ${A.partnerKey}`],
        ['a token signed by another key under the same kid', `Bearer ${await sign(std(), { alg: 'RS256', kid }, attacker.privateKey)}`],
        [
          'a token carrying its own key (jwk header)',
          `Bearer ${await sign(std(), { alg: 'RS256', jwk: attackerJwk }, attacker.privateKey)}`,
        ],
        ['an expired token', `Bearer ${await sign(std({ iat: now - 7200, exp: now - 300 }))}`],
        ['a token not valid yet', `Bearer ${await sign(std({ nbf: now + 3600 }))}`],
        ['a token without expiry', `Bearer ${await sign(without(std(), 'exp'))}`],
        ['a token without subject', `Bearer ${await sign(without(std(), 'sub'))}`],
        ['a token from another issuer', `Bearer ${await sign(std({ iss: 'https://evil.invalid' }))}`],
        ['a token for another audience', `Bearer ${await sign(std({ aud: 'some-other-app' }))}`],
        ['an access token instead of an ID token', `Bearer ${await sign(std({ token_use: 'access' }))}`],
        ['alg none', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(std())}.`],
        ['alg none with a signature', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(std())}.${validSignature}`],
        [
          'HS256 keyed with the issuer public key',
          `Bearer ${await sign(std(), { alg: 'HS256', kid }, new TextEncoder().encode(publicPem))}`,
        ],
        [
          'a tenant admin token rewritten to platform admin',
          `Bearer ${validHeader}.${b64(std({ sub: 'op-tenant_admin' }))}.${validSignature}`,
        ],
        ['a token with its signature cut short', `Bearer ${valid.slice(0, -8)}`],
      ];
    });

    for (const route of operatorRoutes) {
      it(`${route.operationId}: forged, expired, wrong-issuer, wrong-audience, alg:none and other broken tokens get 401 and change nothing`, async () => {
        const sample = await sampleFor(route, fixturesA);
        const before = await snapshotTable();
        for (const [name, authorization] of badTokens) {
          const response = await sendSample(api.baseUrl, route, sample, { headers: authorization === undefined ? {} : { authorization } });
          expectProblem(response, 401, 'unauthorized', `${route.operationId} with ${name}`);
        }
        expect(await snapshotTable()).toEqual(before);
        expectAllowed(await sendSample(api.baseUrl, route, sample, { operatorToken: platformToken }), sample, route.operationId);
      });
    }
  });
});

describe('API3:2023 Broken Object Property Level Authorization', () => {
  const PLAUSIBLE: Record<string, unknown> = {
    tenantId: 'another-tenant',
    balance: 1_000_000,
    available: 1_000_000,
    debt: 0,
    version: 0,
    role: 'platform_admin',
    roles: ['platform_admin'],
    scopes: ['transfer', 'award'],
    status: 'active',
    isAdmin: true,
    trustLevel: 'L3',
    fraudFlag: false,
    riskScore: 0,
    approvals: ['self'],
    locks: [],
    ruleVersion: 1,
    createdAt: '2020-01-01T00:00:00Z',
    expiresAt: '2099-01-01T00:00:00Z',
    // Computed, so these are own keys rather than the literal's prototype.
    ['__proto__']: { isAdmin: true },
    constructor: { prototype: { isAdmin: true } },
    prototype: { isAdmin: true },
  };
  const massKeys = [...new Set([...Object.keys(PLAUSIBLE), '__proto__', ...OPERATOR_ONLY_FIELDS])];

  for (const route of bodyRoutes) {
    it(`${route.operationId}: an unknown field at any level of the body is refused (400) and changes nothing`, async () => {
      const sample = await sampleFor(route, fixturesA);
      const schema: Schema = operationOf(route).requestBody.content['application/json'].schema;
      const credentials: Credentials = route.auth === 'partner' ? { partnerKey: A.partnerKey } : { operatorToken: platformToken };
      const before = await snapshotTable();
      let tried = 0;
      for (const location of objectPaths(sample.body)) {
        for (const key of massKeys) {
          const body = cloneJson(sample.body) as Record<string, unknown>;
          objectWith(nodeAt(body, location), key, Object.hasOwn(PLAUSIBLE, key) ? PLAUSIBLE[key] : 'x');
          // Only fields the contract does not declare at this spot: a declared one is not mass assignment.
          if (!schemaErrors(schema, body, openapi).includes(`${schemaPath(location)}.${key}: not allowed`)) continue;
          tried += 1;
          const response = await sendSample(api.baseUrl, route, { ...sample, body }, credentials);
          expectProblem(response, 400, 'validation_error', `${route.operationId} with ${key} at ${schemaPath(location)}`);
        }
      }
      expect(tried).toBeGreaterThanOrEqual(massKeys.length - 3);
      expect(await snapshotTable()).toEqual(before);
    });
  }

  it('partner answers (success, replay, refusal) carry no operator-only field and nothing beyond their documented schema', async () => {
    for (const route of partnerRoutes) {
      const sample = await sampleFor(route, fixturesA);
      const headers: Record<string, string> = route.idempotent ? { 'idempotency-key': newIdempotencyKey() } : {};
      const answers = [await sendSample(api.baseUrl, route, sample, { partnerKey: A.partnerKey }, headers)];
      if (route.idempotent) {
        answers.push(await sendSample(api.baseUrl, route, sample, { partnerKey: A.partnerKey }, headers));
        expect(answers[1]!.headers['idempotent-replayed'], route.operationId).toBe('true');
      }
      for (const answer of answers) {
        expectAllowed(answer, sample, route.operationId);
        expect(
          keysDeep(answer.json).filter(({ key }) => operatorOnly.has(key)),
          route.operationId,
        ).toEqual([]);
        const documented = operationOf(route).responses[String(answer.status)].content['application/json'].schema;
        expect(schemaErrors(documented, answer.json, openapi), `${route.operationId}: the answer leaves its schema`).toEqual([]);
      }
    }
    // Refusals: problem members only, and the one requestId is the caller's own request.
    const refusals = [
      await partnerClient(api.baseUrl, A.partnerKey).redeem({ accountId: 'victim', points: 99_999_990, orderId: 'too-much' }),
      await partnerClient(api.baseUrl, A.partnerKey).earn({
        accountId: 'victim',
        source: { type: 'purchase', orderId: 'victim-order', subtotalCents: 1 },
      }),
      await partnerClient(api.baseUrl, A.partnerKey).earn({ accountId: 'victim', points: 1 }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBeGreaterThanOrEqual(400);
      const leaks = keysDeep(refusal.body).filter(({ key, path }) => operatorOnly.has(key) && path !== '$.requestId');
      expect(leaks, JSON.stringify(refusal.body)).toEqual([]);
    }
  });

  it('the operator view of the same ledger does carry the operator-only fields (the split is real)', async () => {
    const response = await call(routeById('getAccountLedger'), fixturesA, { operatorToken: platformToken });
    expect(response.status).toBe(200);
    const keys = new Set(keysDeep(response.json).map(({ key }) => key));
    for (const field of ['actor', 'idempotencyKey', 'requestId', 'correlationId', 'clientMeta', 'ipHash'])
      expect(keys, field).toContain(field);
  });
});

describe('API4:2023 Unrestricted Resource Consumption', () => {
  const credentialsFor = (route: RouteDefinition): Credentials =>
    route.auth === 'partner' ? { partnerKey: A.partnerKey } : { operatorToken: platformToken };

  for (const route of bodyRoutes) {
    it(`${route.operationId}: a body over 16 KiB is refused (413) before anything is written`, async () => {
      const sample = await sampleFor(route, fixturesA);
      const before = await snapshotTable();
      const body = objectWith(cloneJson(sample.body) as Record<string, unknown>, 'padding', 'x'.repeat(16 * 1024));
      expectProblem(
        await sendSample(api.baseUrl, route, { ...sample, body }, credentialsFor(route)),
        413,
        'payload_too_large',
        route.operationId,
      );
      expect(await snapshotTable()).toEqual(before);
    });
  }

  it('the cap is exactly 16 KiB, and the gateway cuts off a 2 MiB upload without reading it', async () => {
    const earn = routeById('earn');
    const sized = (bytes: number) => {
      const base = JSON.stringify({ accountId: 'victim', source: { type: 'bonus', campaignId: 'c', points: 1 }, pad: '' });
      return base.replace('"pad":""', `"pad":"${'x'.repeat(bytes - base.length)}"`);
    };
    const send = (body: string) =>
      rawRequest(api.baseUrl, {
        method: 'POST',
        path: '/api/v1/earn',
        headers: { 'x-api-key': A.partnerKey, 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() },
        body,
      });
    expect(Buffer.byteLength(sized(16 * 1024))).toBe(16 * 1024);
    expectProblem(await send(sized(16 * 1024)), 400, 'validation_error', 'exactly 16 KiB (unknown field pad)');
    expectProblem(await send(sized(16 * 1024 + 1)), 413, 'payload_too_large', 'one byte over');
    const huge = await send(sized(2 * 1024 * 1024)).catch((error: NodeJS.ErrnoException) => error);
    // The gateway may answer and close before the client has finished sending: a reset, never a 2xx.
    if (huge instanceof Error) expect(['EPIPE', 'ECONNRESET']).toContain(huge.code);
    else expectProblem(huge, 413, 'payload_too_large', earn.operationId);
  });

  it('every string a request takes has a maximum length, every array a maximum size', () => {
    const unbounded: string[] = [];
    const visit = (schema: Schema, where: string) => {
      if (schema.$ref) return visit(resolveRef(openapi, schema.$ref), where);
      if (
        schema.type === 'string' &&
        schema.maxLength === undefined &&
        !schema.enum &&
        schema.const === undefined &&
        !boundedPattern(schema.pattern)
      ) {
        unbounded.push(`${where}: string`);
      }
      if (schema.type === 'array' && schema.maxItems === undefined) unbounded.push(`${where}: array`);
      for (const [name, child] of Object.entries<Schema>(schema.properties ?? {})) visit(child, `${where}.${name}`);
      if (schema.items) visit(schema.items, `${where}[]`);
      for (const part of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) visit(part, where);
    };
    for (const route of routes.filter((r) => r.auth !== 'public')) {
      const op = operationOf(route);
      for (const param of op.parameters ?? []) visit(param.schema, `${route.operationId} ${param.in} ${param.name}`);
      if (op.requestBody) visit(op.requestBody.content['application/json'].schema, `${route.operationId} body`);
    }
    expect(unbounded).toEqual([]);
  });

  for (const route of routes.filter((r) => r.auth !== 'public')) {
    const slots = () => stringSlotsOf(route);
    it(`${route.operationId}: each capped string and array one past its cap is refused (400)`, async () => {
      const sample = await sampleFor(route, fixturesA);
      const before = await snapshotTable();
      const cases = slots().flatMap((slot) => slot.build(sample));
      expect(cases.length).toBeGreaterThan(0);
      for (const { label, request } of cases) {
        expectProblem(
          await sendSample(api.baseUrl, route, request, credentialsFor(route)),
          400,
          'validation_error',
          `${route.operationId} ${label}`,
        );
      }
      expect(await snapshotTable()).toEqual(before);
    });
  }

  describe('page size', () => {
    const pagedRoutes = routes.filter((route) => requestFields(route).query.includes('limit'));

    beforeAll(async () => {
      // More entries than the largest page.
      const a = partnerClient(api.baseUrl, A.partnerKey);
      expect((await a.putAccount('long-history')).status).toBe(201);
      for (let i = 0; i < 105; i += 1) {
        expect((await a.earn({ accountId: 'long-history', source: { type: 'bonus', campaignId: `c${i}`, points: 1 } })).status).toBe(201);
      }
      // And more partner keys than the largest page.
      const { commitPartnerKeyChange, createPartnerKey } = await import('../../functions/usecases/partner-keys.ts');
      const now = new Date().toISOString();
      for (let i = 0; i < 105; i += 1) {
        await commitPartnerKeyChange(createPartnerKey({ tenantId: A.tenantId, scopes: ['read'], now, label: `page-size ${i}` }));
      }
      // And more pending approval requests than the largest page (stored as the request route stores them; no workflow needed to list them).
      const { newApprovalRequest } = await import('../../functions/domain/approvals.ts');
      const { approvalWrites } = await import('../../functions/store/approvals.ts');
      const { getDocumentClient } = await import('../../functions/store/client.ts');
      const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
      for (let i = 0; i < 105; i += 1) {
        const request = newApprovalRequest({
          tenantId: A.tenantId,
          approvalId: randomUUID(),
          kind: 'adjustment',
          requestedBy: { id: 'page-size-requester', role: 'tenant_admin' },
          now,
          expirySeconds: 86_400,
          required: { tenant_admin: 1, platform_admin: 0 },
          action: { accountId: 'long-history', points: 1, reasonCode: 'goodwill', ticket: `PS-${i}`, note: 'page size' },
        });
        await getDocumentClient().send(new TransactWriteCommand({ TransactItems: approvalWrites(request, undefined) }));
      }
    });

    it('the paged routes are the ones the manifest gives a limit', () => {
      expect(pagedRoutes.map((route) => route.operationId).sort()).toEqual([
        'getAccountLedger',
        'listApprovals',
        'listPartnerKeys',
        'listTransactions',
      ]);
    });

    for (const route of pagedRoutes) {
      it(`${route.operationId}: limit 101, 0, -1, 1e2 and 1000 are refused; 100 is the most a page ever holds`, async () => {
        const fixtures = { ...fixturesA, accountId: 'long-history' };
        const sample = await sampleFor(route, fixtures);
        for (const limit of ['101', '0', '-1', '1e2', '1000', '100.0', '']) {
          const response = await sendSample(api.baseUrl, route, { ...sample, query: { ...sample.query, limit } }, credentialsFor(route));
          expectProblem(response, 400, 'validation_error', `${route.operationId} limit=${limit}`);
        }
        const full = await sendSample(api.baseUrl, route, { ...sample, query: { ...sample.query, limit: '100' } }, credentialsFor(route));
        expect(full.status).toBe(200);
        expect(full.json.items).toHaveLength(100);
        expect(full.json.nextCursor).toEqual(expect.any(String));
        const { limit: _limit, ...noLimit } = sample.query ?? {};
        const byDefault = await sendSample(api.baseUrl, route, { ...sample, query: noLimit }, credentialsFor(route));
        expect(byDefault.status).toBe(200);
        expect(byDefault.json.items.length).toBeLessThanOrEqual(100);
        expect(byDefault.json.nextCursor).toEqual(expect.any(String));
      });
    }
  });

  describe('rate limits (429 rate_limited with Retry-After)', () => {
    it('a burst of writes on one account stops at the per-account limit; the refused ones write nothing, replays still answer', async () => {
      const limited = await api.newTenant(undefined, undefined, { accountWritesPerMinute: 4 });
      const client = partnerClient(api.baseUrl, limited.partnerKey);
      // Handlers run in this process: freeze their clock inside one minute so the window cannot roll over mid-burst.
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Math.floor(Date.now() / 60_000) * 60_000 + 5_000);
        expect((await client.putAccount('hot')).status).toBe(201);
        const firstKey = newIdempotencyKey();
        const firstBody = { accountId: 'hot', source: { type: 'bonus', campaignId: 'first', points: 10 } };
        expect((await client.earn(firstBody, { 'idempotency-key': firstKey })).status).toBe(201);
        const burst = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            client.earn({ accountId: 'hot', source: { type: 'bonus', campaignId: `burst-${i}`, points: 10 } }),
          ),
        );
        const statuses = burst.map((response) => response.status);
        expect(statuses.filter((s) => s === 201).length, statuses.join(',')).toBeLessThanOrEqual(2);
        expect(
          statuses.every((s) => [201, 409, 429].includes(s)),
          statuses.join(','),
        ).toBe(true);
        const throttled = burst.filter((response) => response.status === 429);
        expect(throttled.length).toBeGreaterThanOrEqual(1);
        expect(burst.filter((r) => r.status === 409).every((r) => r.body.code === 'concurrent_update')).toBe(true);
        for (const response of throttled) {
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          expect(response.body).toMatchObject({ code: 'rate_limited', status: 429 });
          const retryAfter = Number(response.headers.get('retry-after'));
          expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`).toBe(true);
        }
        // A retry of a committed request still gets its answer while the account is throttled.
        const replay = await client.earn(firstBody, { 'idempotency-key': firstKey });
        expect(replay.status).toBe(201);
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
        const audit = await auditTenant(limited.tenantId);
        expect(audit.violations).toEqual([]);
        expect(audit.entries.get('hot')).toHaveLength(1 + statuses.filter((s) => s === 201).length);
        // The limit is per account: another member of the tenant is not affected.
        expect((await client.putAccount('calm')).status).toBe(201);
      } finally {
        vi.useRealTimers();
      }
    });

    it('a burst on one partner key stops at the key throttle (the usage plan); other keys go on, and a throttled write writes nothing', async () => {
      // A second gateway over the same table with a tight per-key throttle, as a usage plan would set.
      const { createGateway } = await import('../../local/gateway.ts');
      const { authorizePartnerRequest } = await import('../../functions/api/authorizer.ts');
      const server: Server = createGateway({
        routes,
        rootDir: new URL('../..', import.meta.url).pathname,
        authorizePartner: authorizePartnerRequest,
        authorizeOperator: api.operatorIssuer.authorize,
        partnerKeyRateLimit: { perSecond: 0.01, burst: 5 },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const burst = await Promise.all(Array.from({ length: 12 }, () => partnerClient(baseUrl, A.partnerKey).balance('victim')));
        const statuses = burst.map((response) => response.status);
        expect(
          statuses.filter((s) => s === 200),
          statuses.join(','),
        ).toHaveLength(5);
        expect(
          statuses.filter((s) => s === 429),
          statuses.join(','),
        ).toHaveLength(7);
        for (const response of burst.filter((r) => r.status === 429)) {
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          expect(response.body).toMatchObject({ code: 'rate_limited', status: 429 });
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        }
        const before = await snapshotTable();
        const write = await partnerClient(baseUrl, A.partnerKey).earn({
          accountId: 'victim',
          source: { type: 'bonus', campaignId: 'throttled', points: 10 },
        });
        expect(write.status).toBe(429);
        expect(await snapshotTable()).toEqual(before);
        expect((await partnerClient(baseUrl, B.partnerKey).balance('nobody')).status).toBe(404);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});

describe('API5:2023 Broken Function Level Authorization', () => {
  it('no read-only role (support, finance) is allowed on any route that writes', () => {
    const writes = operatorRoutes.filter((route) => route.method !== 'GET' || route.tableAccess === 'readwrite');
    expect(writes.length).toBeGreaterThanOrEqual(4);
    // Support staff may request service credits (SPEC section 10: up to 100 points, only admins approve): the one write they make.
    const supportMayRequest = new Set(['createAdjustment']);
    for (const route of writes.filter((route) => !supportMayRequest.has(route.operationId))) {
      expect(route.roles ?? [], route.operationId).not.toEqual(expect.arrayContaining(['support']));
    }
    for (const route of writes) expect(route.roles ?? [], route.operationId).not.toEqual(expect.arrayContaining(['finance']));
  });

  for (const route of operatorRoutes) {
    it(`${route.operationId}: a partner key, alone or as a bearer token, is refused and changes nothing`, async () => {
      const sample = await sampleFor(route, fixturesA);
      const before = await snapshotTable();
      const attempts: Record<string, string>[] = [{ 'x-api-key': A.partnerKey }, { authorization: `Bearer ${A.partnerKey}` }];
      for (const headers of attempts) {
        const response = await sendSample(api.baseUrl, route, sample, { headers });
        // Without an operator identity this is 401 (no credentials for this route); 403 would do as well.
        expect([401, 403], response.text).toContain(response.status);
        expectProblem(response, undefined, undefined, route.operationId);
      }
      expect(await snapshotTable()).toEqual(before);
    });

    const allowed = new Set(route.roles ?? []);
    const callers: { name: string; roles: OperatorRole[]; boundToTenant: boolean; allowed: boolean }[] = [
      ...ALL_OPERATOR_ROLES.map((role) => ({
        name: role === 'platform_admin' ? 'platform_admin' : `${role} of the tenant`,
        roles: [role],
        boundToTenant: role !== 'platform_admin',
        allowed: allowed.has(role),
      })),
      // Finance staff bound to no tenant read across tenants, where finance may read at all.
      { name: 'finance of no tenant', roles: ['finance'], boundToTenant: false, allowed: allowed.has('finance') },
      { name: 'tenant_admin bound to no tenant', roles: ['tenant_admin'], boundToTenant: false, allowed: false },
      { name: 'support bound to no tenant', roles: ['support'], boundToTenant: false, allowed: false },
      ...['admin', 'PLATFORM_ADMIN', 'platform-admin', 'root', 'superuser'].map((group) => ({
        name: `unknown group "${group}"`,
        roles: [group as OperatorRole],
        boundToTenant: true,
        allowed: false,
      })),
      { name: 'no group at all', roles: [], boundToTenant: true, allowed: false },
    ];
    it(`${route.operationId}: allowed exactly for ${[...allowed].join(', ')} (from the manifest); everyone else 403 and nothing changes`, async () => {
      for (const caller of callers) {
        // Tenant A exists only once the suite has started, so it is bound here, at call time.
        const token = await api.operatorToken(caller.roles, caller.boundToTenant ? A.tenantId : undefined);
        const sample = await sampleFor(route, fixturesA);
        const before = caller.allowed ? undefined : await snapshotTable();
        const response = await sendSample(api.baseUrl, route, sample, { operatorToken: token });
        if (caller.allowed) expectAllowed(response, sample, `${route.operationId} as ${caller.name}`);
        else {
          expectProblem(response, 403, 'forbidden', `${route.operationId} as ${caller.name}`);
          expect(await snapshotTable(), `${route.operationId} as ${caller.name}`).toEqual(before);
        }
      }
    });
  }

  it('each partner scope opens exactly the routes that declare it', async () => {
    const keys = new Map<PartnerScope, string>();
    for (const scope of ALL_PARTNER_SCOPES) {
      const created = await sendSample(
        api.baseUrl,
        routeById('createPartnerKey'),
        { params: { tenantId: A.tenantId }, body: { scopes: [scope] } },
        { operatorToken: platformToken },
      );
      keys.set(scope, created.json.key);
    }
    for (const route of partnerRoutes) {
      for (const scope of ALL_PARTNER_SCOPES) {
        const label = `${route.operationId} with a "${scope}" key`;
        const sample = await sampleFor(route, fixturesA);
        if ((route.scopes ?? []).includes(scope)) {
          expectAllowed(await sendSample(api.baseUrl, route, sample, { partnerKey: keys.get(scope)! }), sample, label);
        } else {
          const before = await snapshotTable();
          expectProblem(await sendSample(api.baseUrl, route, sample, { partnerKey: keys.get(scope)! }), 403, 'forbidden', label);
          expect(await snapshotTable(), label).toEqual(before);
        }
      }
    }
  });
});

describe('API6:2023 Unrestricted Access to Sensitive Business Flows', () => {
  let client: ReturnType<typeof partnerClient>;
  beforeAll(async () => {
    client = partnerClient(api.baseUrl, A.partnerKey);
    for (const accountId of ['flow-1', 'flow-2', 'flow-3']) expect((await client.putAccount(accountId)).status).toBe(201);
  });

  it('one order earns once: a burst of earns for it under different keys and subtotals credits it exactly once', async () => {
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.earn({ accountId: 'flow-1', source: { type: 'purchase', orderId: 'hot-order', subtotalCents: 10_000 + i * 1000 } }),
      ),
    );
    const statuses = burst.map((response) => response.status);
    expect(
      statuses.filter((s) => s === 201),
      statuses.join(','),
    ).toHaveLength(1);
    expect(burst.filter((r) => r.status === 409).every((r) => ['duplicate_order', 'concurrent_update'].includes(r.body.code))).toBe(true);
    // Nor by switching members: the order is unique in the tenant, whoever claims it.
    const other = await client.earn({ accountId: 'flow-2', source: { type: 'purchase', orderId: 'hot-order', subtotalCents: 10_000 } });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('duplicate_order');
    const audit = await auditTenant(A.tenantId);
    expect(audit.violations).toEqual([]);
    expect(audit.entries.get('flow-1')?.filter((e) => e.type === 'EARN')).toHaveLength(1);
    expect(audit.entries.get('flow-2') ?? []).toHaveLength(0);
  });

  it('one Idempotency-Key applies once, even when a burst reuses it with tampered bodies', async () => {
    const key = newIdempotencyKey();
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.earn(
          { accountId: 'flow-3', source: { type: 'bonus', campaignId: 'promo', points: i % 2 === 0 ? 100 : 100_000 } },
          { 'idempotency-key': key },
        ),
      ),
    );
    const created = burst.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.transactionId)).size).toBe(1);
    for (const refused of burst.filter((r) => r.status !== 201)) {
      expect(['idempotency_key_reused', 'idempotency_key_in_use']).toContain(refused.body.code);
    }
    const entries = (await auditTenant(A.tenantId)).entries.get('flow-3') ?? [];
    expect(entries).toHaveLength(1);
    expect([100, 100_000]).toContain(entries[0]!.amount);
  });

  it('a burst of redemptions never spends more than is there', async () => {
    expect((await client.earn({ accountId: 'flow-2', source: { type: 'bonus', campaignId: 'bank', points: 12_000 } })).status).toBe(201);
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.redeem({ accountId: 'flow-2', points: 5000, orderId: `spree-${i}` })),
    );
    const statuses = burst.map((response) => response.status);
    const spent = statuses.filter((s) => s === 201).length;
    // 12 000 points pay for two redemptions of 5000; contention may cost one, never add a third.
    expect(spent, statuses.join(',')).toBeGreaterThanOrEqual(1);
    expect(spent, statuses.join(',')).toBeLessThanOrEqual(2);
    expect(burst.filter((r) => r.status !== 201).every((r) => ['insufficient_points', 'concurrent_update'].includes(r.body.code))).toBe(
      true,
    );
    expect((await client.balance('flow-2')).body).toMatchObject({ balance: 12_000 - 5000 * spent, available: 12_000 - 5000 * spent });
    expect((await auditTenant(A.tenantId)).violations).toEqual([]);
  });

  it("a burst of reversals takes back at most what the order earned, and never another member's order", async () => {
    expect(
      (await client.earn({ accountId: 'flow-3', source: { type: 'purchase', orderId: 'refund-me', subtotalCents: 10_000 } })).status,
    ).toBe(201);
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => client.reverse({ accountId: 'flow-3', orderId: 'refund-me', points: 500 })),
    );
    const statuses = burst.map((response) => response.status);
    const reversed = 500 * statuses.filter((s) => s === 201).length;
    // 1200 points earned: two reversals of 500 fit, a third never does.
    expect(reversed, statuses.join(',')).toBeGreaterThanOrEqual(500);
    expect(reversed, statuses.join(',')).toBeLessThanOrEqual(1000);
    expect((await client.reverse({ accountId: 'flow-3', orderId: 'refund-me', points: 1200 - reversed + 1 })).body.code).toBe(
      'limit_exceeded',
    );
    const before = await snapshotTable();
    const stranger = await client.reverse({ accountId: 'flow-1', orderId: 'refund-me' });
    expect(stranger.status).toBe(404);
    expect(await snapshotTable()).toEqual(before);
    const audit = await auditTenant(A.tenantId);
    expect(audit.violations).toEqual([]);
    expect(audit.orders.find((order) => order.orderId === 'refund-me')).toMatchObject({ earnedPoints: 1200, reversedPoints: reversed });
  });
});

describe('API8:2023 Security Misconfiguration', () => {
  /** One success and several refusals per route: what every answer must (not) show. */
  async function answersOfEveryKind(): Promise<[string, RawResponse][]> {
    const out: [string, RawResponse][] = [];
    for (const route of routes) {
      const sample = await sampleFor(route, fixturesA);
      const credentials: Credentials =
        route.auth === 'partner' ? { partnerKey: A.partnerKey } : route.auth === 'operator' ? { operatorToken: platformToken } : undefined;
      const headers = { origin: 'https://evil.example' };
      out.push([`${route.operationId} ok`, await sendSample(api.baseUrl, route, sample, credentials, headers)]);
      if (route.auth !== 'public')
        out.push([`${route.operationId} anonymous`, await sendSample(api.baseUrl, route, sample, undefined, headers)]);
      const other = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'].find(
        (m) => !routes.some((r) => r.path === route.path && r.method === m),
      )!;
      out.push([
        `${route.operationId} ${other}`,
        await rawRequest(api.baseUrl, { method: other, path: route.path.replace(/\{[^}]+\}/g, 'x1x'), headers }),
      ]);
      if (route.request?.body) {
        const broken = toRawRequest(route, sample, credentials, headers);
        out.push([`${route.operationId} bad JSON`, await rawRequest(api.baseUrl, { ...broken, body: '{"a":' })]);
      }
    }
    out.push(['unknown path', await rawRequest(api.baseUrl, { method: 'GET', path: '/api/v1/nothing-here' })]);
    return out;
  }

  it('no answer names the server software, reveals internals, allows any origin or may be cached; every refusal is problem+json', async () => {
    const answers = await answersOfEveryKind();
    expect(answers.length).toBeGreaterThan(routes.length * 3);
    for (const [label, response] of answers) {
      expectNoInternals(response, label);
      expect(response.headers['access-control-allow-origin'], label).toBeUndefined();
      expect(response.headers['access-control-allow-credentials'], label).toBeUndefined();
      expect(response.headers['cache-control'], label).toBe('no-store');
      if (response.status >= 400) expectProblem(response, undefined, undefined, label);
    }
  });

  it('an unexpected failure is a 500 that says nothing about it (handler and gateway alike)', async () => {
    // The table name is configuration read once at load: the database answers as it would for
    // a table that does not exist instead (a client error, not an outage), naming the table.
    const table = process.env.TABLE_NAME!;
    const missing = `missing-${randomBytes(4).toString('hex')}`;
    const { getDocumentClient } = await import('../../functions/store/client.ts');
    const client = getDocumentClient();
    client.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error(`Requested resource not found: Table: ${missing} not found`), {
          name: 'ResourceNotFoundException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: 'finalizeRequest', name: 'missingTableForTest' },
    );
    const console = vi.spyOn(globalThis.console, 'error').mockImplementation(() => undefined);
    try {
      const viaHandler = await call(routeById('getTenant'), fixturesA, { operatorToken: platformToken });
      const viaGateway = await call(routeById('getBalance'), fixturesA, { partnerKey: A.partnerKey });
      for (const [label, response] of [
        ['handler', viaHandler],
        ['gateway', viaGateway],
      ] as const) {
        expectProblem(response, 500, 'internal_error', label);
        expect(response.text, label).not.toContain(missing);
        expect(response.text, label).not.toContain(table);
        expect(Object.keys(response.json).sort(), label).toEqual(['code', 'detail', 'requestId', 'status', 'title', 'type']);
      }
    } finally {
      client.middlewareStack.remove('missingTableForTest');
      console.mockRestore();
    }
    expect((await call(routeById('getTenant'), fixturesA, { operatorToken: platformToken })).status).toBe(200);
  });

  it('hostile framing, encodings and sizes get a 4xx problem, never a 5xx', async () => {
    const partner = { 'x-api-key': A.partnerKey };
    const json = { ...partner, 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() };
    const earnBody = JSON.stringify({ accountId: 'victim', source: { type: 'bonus', campaignId: 'c', points: 1 } });
    const cases: [string, Parameters<typeof rawRequest>[1]][] = [
      ['bad percent-encoding in the path', { method: 'GET', path: '/api/v1/accounts/%E0%A4%A', headers: partner }],
      ['an overlong UTF-8 slash in the path', { method: 'GET', path: '/api/v1/accounts/%C0%AF', headers: partner }],
      ['an encoded NUL in the path', { method: 'GET', path: '/api/v1/accounts/a%00b', headers: partner }],
      ['a traversal in the path', { method: 'GET', path: '/api/v1/accounts/..%2F..%2Fadmin%2Ftenants', headers: partner }],
      ['a # in the path', { method: 'GET', path: '/api/v1/accounts/victim#x', headers: partner }],
      ['invalid UTF-8 in the body', { method: 'POST', path: '/api/v1/earn', headers: json, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }],
      [
        'a UTF-16 body',
        {
          method: 'POST',
          path: '/api/v1/earn',
          headers: { ...json, 'content-type': 'application/json; charset=utf-16' },
          body: Buffer.from(earnBody, 'utf16le'),
        },
      ],
      ['JSON nested 8000 deep', { method: 'POST', path: '/api/v1/earn', headers: json, body: `${'['.repeat(8000)}${']'.repeat(8000)}` }],
      [
        'duplicate keys smuggling a negative',
        {
          method: 'POST',
          path: '/api/v1/redeem',
          headers: json,
          body: '{"accountId":"victim","points":5000,"points":-5000,"orderId":"dup"}',
        },
      ],
      [
        'a number past double precision',
        { method: 'POST', path: '/api/v1/earn', headers: json, body: earnBody.replace('"points":1', '"points":1e400') },
      ],
      [
        'a query string of 2000 parameters',
        { method: 'GET', path: `/api/v1/balance?${Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&')}`, headers: partner },
      ],
    ];
    for (const [label, request] of cases) expectProblem(await rawRequest(api.baseUrl, request), undefined, undefined, label);
  });

  it('headers too large for the server, and unparseable HTTP, still get a problem+json answer', async () => {
    const tooLarge = await rawRequest(api.baseUrl, { method: 'GET', path: '/api/v1/health', headers: { 'x-junk': 'a'.repeat(20_000) } });
    expectProblem(tooLarge, undefined, undefined, 'oversized headers');
    const longUrl = await rawRequest(api.baseUrl, {
      method: 'GET',
      path: `/api/v1/balance?accountId=${'a'.repeat(20_000)}`,
      headers: { 'x-api-key': A.partnerKey },
    });
    expectProblem(longUrl, undefined, undefined, 'oversized URL');
    // Content-Length and Transfer-Encoding together: the classic request-smuggling shape.
    const smuggled = await rawRequest(api.baseUrl, {
      method: 'POST',
      path: '/api/v1/earn',
      headers: {
        'x-api-key': A.partnerKey,
        'content-type': 'application/json',
        'idempotency-key': 'smuggle',
        'transfer-encoding': 'chunked',
      },
      body: '{}',
    });
    expectProblem(smuggled, 400, undefined, 'Content-Length with Transfer-Encoding');
  });

  it('health and the OpenAPI document reveal nothing about the deployment', async () => {
    const health = await rawRequest(api.baseUrl, { method: 'GET', path: '/api/v1/health' });
    expect(Object.keys(health.json).sort()).toEqual(['service', 'status', 'time']);
    const document = await rawRequest(api.baseUrl, { method: 'GET', path: '/api/v1/openapi.json' });
    expect(document.status).toBe(200);
    expect(document.text).not.toMatch(/functions\/|handlers?\/|\.ts\b|tableAccess|TABLE_NAME|arn:aws|amazonaws\.com|\/work\//);
  });
});

describe('API9:2023 Improper Inventory Management', () => {
  it('the published document and the served routes are exactly the manifest, each with its auth', () => {
    const served = routes.map((route) => `${route.method} ${route.path}`).sort();
    const documented = Object.entries<Record<string, Schema>>(openapi.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
    for (const route of routes) {
      const op = operationOf(route);
      const scheme = route.auth === 'partner' ? [{ partnerKey: [] }] : route.auth === 'operator' ? [{ operatorJwt: [] }] : [];
      expect(op.security, route.operationId).toEqual(scheme);
      if (route.auth === 'operator') expect(op['x-roles'], route.operationId).toEqual(route.roles);
      if (route.auth === 'partner') expect(op['x-scopes'], route.operationId).toEqual(route.scopes);
    }
    // Only liveness and the document itself are public.
    expect(
      routes
        .filter((route) => route.auth === 'public')
        .map((route) => route.operationId)
        .sort(),
    ).toEqual(['getOpenApi', 'health']);
  });

  it('nothing undocumented answers: old and future versions, debug and admin roots, case and slash variants are 404 or 405', async () => {
    const probes = [
      '/api/v0/earn',
      '/api/v2/earn',
      '/v1/earn',
      '/earn',
      '/api/v1',
      '/api/v1/',
      '/api/v1/admin',
      '/api/v1/admin/',
      '/api/v1/admin/keys',
      '/api/v1/debug',
      '/api/v1/internal',
      '/api/v1/metrics',
      '/api/v1/status',
      '/api/v1/swagger.json',
      '/api/v1/docs',
      '/.env',
      '/.git/config',
      '/api/v1/EARN',
      '/API/V1/EARN',
      '/api/v1/earn/',
      '/api/v1//earn',
      '/api/v1/./earn',
      '/api/v1/x/../earn',
      '/api/v1/accounts',
      '/api/v1/admin/tenants/x/accounts',
    ];
    for (const path of probes) {
      for (const method of ['GET', 'POST']) {
        const response = await rawRequest(api.baseUrl, {
          method,
          path,
          headers: { 'x-api-key': A.partnerKey, authorization: `Bearer ${platformToken}` },
        });
        expect([404, 405], `${method} ${path}: ${response.status}`).toContain(response.status);
        expectProblem(response, undefined, undefined, `${method} ${path}`);
      }
    }
  });
});

/** A pattern that fixes a string's length: anchored, no open-ended quantifier. */
function boundedPattern(pattern: string | undefined): boolean {
  if (!pattern?.startsWith('^') || !pattern.endsWith('$')) return false;
  return !/(?<!\\)[+*]|\{\d+,\}/.test(pattern);
}

interface Slot {
  build(sample: SampleRequest): { label: string; request: SampleRequest }[];
}

/**
 * Every capped string and array a route takes (path, query and body, from the OpenAPI
 * document), as requests that put it one past its cap and leave the rest of the sample valid.
 */
function stringSlotsOf(route: RouteDefinition): Slot[] {
  const op = operationOf(route);
  const slots: Slot[] = [];
  for (const param of op.parameters ?? []) {
    if (param.in === 'header' || param.schema.maxLength === undefined) continue;
    const long = 'a'.repeat(param.schema.maxLength + 1);
    slots.push({
      build: (sample) => [
        {
          label: `${param.in} ${param.name} of ${long.length} characters`,
          request:
            param.in === 'path'
              ? { ...sample, params: { ...sample.params, [param.name]: long } }
              : { ...sample, query: { ...sample.query, [param.name]: long } },
        },
      ],
    });
  }
  const bodySchema: Schema | undefined = op.requestBody?.content['application/json'].schema;
  if (bodySchema) {
    slots.push({
      build: (sample) =>
        bodyCaps(bodySchema, sample.body, []).map(({ path, value, label }) => {
          const body = cloneJson(sample.body) as Record<string, unknown>;
          nodeAt(body, path.slice(0, -1))[path.at(-1)!] = value;
          return { label, request: { ...sample, body } };
        }),
    });
  }
  return slots;
}

function bodyCaps(schema: Schema, value: unknown, path: JsonPath): { path: JsonPath; value: unknown; label: string }[] {
  if (schema.$ref) return bodyCaps(resolveRef(openapi, schema.$ref), value, path);
  if (schema.oneOf) {
    const branch = schema.oneOf.find((part: Schema) => schemaErrors(part, value, openapi).length === 0);
    return branch ? bodyCaps(branch, value, path) : [];
  }
  const out: { path: JsonPath; value: unknown; label: string }[] = [];
  for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) {
    const at = [...path, name];
    if (property.type === 'string' && property.maxLength !== undefined) {
      out.push({
        path: at,
        value: 'a'.repeat(property.maxLength + 1),
        label: `body ${schemaPath(at)} of ${property.maxLength + 1} characters`,
      });
    }
    if (property.type === 'array' && property.maxItems !== undefined) {
      const item = Array.isArray((value as Record<string, unknown>)?.[name])
        ? ((value as Record<string, unknown[]>)[name]![0] ?? 'x')
        : 'x';
      out.push({
        path: at,
        value: Array.from({ length: property.maxItems + 1 }, () => item),
        label: `body ${schemaPath(at)} of ${property.maxItems + 1} items`,
      });
    }
    if (property.type === 'object' && isObject((value as Record<string, unknown>)?.[name]))
      out.push(...bodyCaps(property, (value as Record<string, unknown>)[name], at));
    if (property.oneOf && isObject((value as Record<string, unknown>)?.[name]))
      out.push(...bodyCaps(property, (value as Record<string, unknown>)[name], at));
  }
  return out;
}
