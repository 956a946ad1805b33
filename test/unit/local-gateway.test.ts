import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import { createGateway, MAX_REQUEST_BODY_BYTES, type AuthorizeResult, type GatewayOptions } from '../../local/gateway.ts';
import { expectProblemWire, wireOf } from '../support/problem-wire.ts';

/** A stand-in handler module: it reports what it was given, or misbehaves on request. */
const FAKE_HANDLER = `
export async function handler(event, context) {
  if (event.resource === '/boom') throw new Error('connection string postgres://admin:hunter2@db');
  if (event.resource === '/cookies') {
    return {
      statusCode: 202,
      headers: { 'x-single': 'one', 'set-cookie': 'overridden=1' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: '',
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      event,
      context: {
        functionName: context.functionName,
        awsRequestId: context.awsRequestId,
        remainingMs: context.getRemainingTimeInMillis(),
      },
    }),
  };
}
`;

function route(overrides: Partial<RouteDefinition> & Pick<RouteDefinition, 'operationId' | 'method' | 'path'>): RouteDefinition {
  return {
    summary: overrides.operationId,
    auth: 'public',
    idempotent: false,
    tableAccess: 'none',
    responses: [{ status: 200, description: 'ok' }],
    errors: [],
    handler: 'fake-handler.mjs',
    ...overrides,
  };
}

const routes: RouteDefinition[] = [
  route({ operationId: 'getThing', method: 'GET', path: '/things/{thingId}' }),
  route({ operationId: 'getSpecialThing', method: 'GET', path: '/things/special' }),
  route({ operationId: 'createThing', method: 'POST', path: '/things' }),
  route({ operationId: 'partnerThing', method: 'GET', path: '/partner/{a}/items/{b}', auth: 'partner', scopes: ['read'] }),
  route({ operationId: 'adminThing', method: 'GET', path: '/admin/things', auth: 'operator', roles: ['support'] }),
  route({ operationId: 'boom', method: 'GET', path: '/boom' }),
  route({ operationId: 'cookies', method: 'GET', path: '/cookies' }),
  route({ operationId: 'missingModule', method: 'GET', path: '/missing', handler: 'does-not-exist.mjs' }),
];

async function fakeAuthorizePartner(apiKey: string | undefined): Promise<AuthorizeResult> {
  if (apiKey === 'good-key') {
    return {
      ok: true,
      context: { tenantId: 'tenant-1', keyId: 'key-1', scopes: 'read' },
      usageIdentifierKey: 'rrrusage-tenant-1',
      usagePlan: 'standard',
    };
  }
  // Allowed, but the tenant has no usage key: API Gateway refuses such a request with 403.
  if (apiKey === 'planless-key') return { ok: true, context: { tenantId: 'tenant-2', keyId: 'key-2', scopes: 'read' } };
  if (apiKey === 'no-scope-key') return { ok: false, code: 'forbidden' };
  return { ok: false, code: 'unauthorized' };
}

let rootDir: string;

async function startGateway(extra: Partial<GatewayOptions> = {}): Promise<{ baseUrl: string; server: Server }> {
  const server = createGateway({ routes, rootDir, authorizePartner: fakeAuthorizePartner, ...extra });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function stopGateway(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function echo(baseUrl: string, path: string, init?: RequestInit) {
  const response = await fetch(`${baseUrl}${path}`, init);
  expect(response.status).toBe(200);
  return { response, ...((await response.json()) as { event: any; context: any }) };
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Record<string, unknown>;
  expect(problem).toEqual({
    type: `https://docs.redroomrewards.dev/problems/${code}`,
    title: expect.any(String),
    status,
    code,
    detail: expect.any(String),
    requestId: response.headers.get('x-amzn-requestid'),
  });
  return problem;
}

beforeAll(async () => {
  rootDir = await mkdtemp(join(tmpdir(), 'rrr-gateway-'));
  await writeFile(join(rootDir, 'fake-handler.mjs'), FAKE_HANDLER);
});

afterAll(async () => {
  await rm(rootDir, { recursive: true, force: true });
});

describe('local gateway', () => {
  let baseUrl: string;
  let server: Server;
  beforeAll(async () => ({ baseUrl, server } = await startGateway()));
  afterAll(() => stopGateway(server));

  it('hands the handler an API Gateway REST proxy event and a Lambda context', async () => {
    const { response, event, context } = await echo(baseUrl, '/things/abc?x=1&x=2&y=z%20z', {
      headers: { 'X-Custom-Header': 'Value' },
    });
    const requestId = response.headers.get('x-amzn-requestid');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event).toMatchObject({
      resource: '/things/{thingId}',
      path: '/things/abc',
      httpMethod: 'GET',
      pathParameters: { thingId: 'abc' },
      queryStringParameters: { x: '2', y: 'z z' },
      multiValueQueryStringParameters: { x: ['1', '2'], y: ['z z'] },
      body: null,
      isBase64Encoded: false,
      requestContext: {
        requestId,
        resourcePath: '/things/{thingId}',
        httpMethod: 'GET',
        stage: 'local',
        identity: { sourceIp: '127.0.0.1' },
        authorizer: null,
      },
    });
    expect(event.headers['X-Custom-Header']).toBe('Value');
    expect(event.multiValueHeaders['X-Custom-Header']).toEqual(['Value']);
    expect(event.requestContext.requestTimeEpoch).toBeGreaterThan(Date.now() - 60_000);
    expect(context).toMatchObject({ functionName: 'getThing', awsRequestId: requestId });
    expect(context.remainingMs).toBeGreaterThan(0);
  });

  it('decodes path parameters and leaves absent parts null', async () => {
    const { event } = await echo(baseUrl, '/things/a%20b%2Fc%C3%A9');
    expect(event.pathParameters).toEqual({ thingId: 'a b/cé' });
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
  });

  it('prefers a literal resource over a {param} one', async () => {
    const { event } = await echo(baseUrl, '/things/special');
    expect(event.resource).toBe('/things/special');
    expect(event.pathParameters).toBeNull();
  });

  it('passes the body through as a string', async () => {
    const body = JSON.stringify({ name: 'widget', note: 'ünïcode' });
    const { event } = await echo(baseUrl, '/things', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(event.body).toBe(body);
    expect(event.pathParameters).toBeNull();
  });

  it('accepts a body of exactly the limit', async () => {
    const { event } = await echo(baseUrl, '/things', { method: 'POST', body: 'x'.repeat(MAX_REQUEST_BODY_BYTES) });
    expect(event.body).toHaveLength(MAX_REQUEST_BODY_BYTES);
  });

  it('answers 404 for a path no route has', async () => {
    await expectProblem(await fetch(`${baseUrl}/nope`), 404, 'not_found');
    await expectProblem(await fetch(`${baseUrl}/things/abc/extra`), 404, 'not_found');
  });

  it('answers 405 with Allow when the path exists but the method does not', async () => {
    const response = await fetch(`${baseUrl}/things`, { method: 'DELETE' });
    expect(response.headers.get('allow')).toBe('POST');
    await expectProblem(response, 405, 'method_not_allowed');
  });

  it('answers 400 for a path parameter that is not valid percent-encoding', async () => {
    await expectProblem(await fetch(`${baseUrl}/things/%E0%A4%A`), 400, 'validation_error');
  });

  it('refuses a declared oversized body with 413 before reading it', async () => {
    const response = await fetch(`${baseUrl}/things`, { method: 'POST', body: 'x'.repeat(MAX_REQUEST_BODY_BYTES + 1) });
    await expectProblem(response, 413, 'payload_too_large');
  });

  it('refuses a chunked body with 413 once it passes the limit', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${baseUrl}/things`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      // Write more than the limit; the gateway answers without waiting for the end.
      for (let sent = 0; sent <= MAX_REQUEST_BODY_BYTES; sent += chunk.length) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ code: 'payload_too_large' });
  });

  it('merges multiValueHeaders over headers and keeps the status', async () => {
    const response = await fetch(`${baseUrl}/cookies`);
    expect(response.status).toBe(202);
    expect(response.headers.get('x-single')).toBe('one');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('answers 500 without internals when the handler throws, and logs the error', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await fetch(`${baseUrl}/boom`);
      const problem = await expectProblem(response, 500, 'internal_error');
      expect(JSON.stringify(problem)).not.toMatch(/hunter2|postgres/);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0])).toContain('hunter2');
    } finally {
      logged.mockRestore();
    }
  });

  it('answers 500 when a route names a module that cannot be loaded', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expectProblem(await fetch(`${baseUrl}/missing`), 500, 'internal_error');
    } finally {
      logged.mockRestore();
    }
  });
});

describe('local gateway authorization', () => {
  it('asks the partner authorizer with x-api-key and maps its refusals to 401 and 403', async () => {
    const authorizePartner = vi.fn(fakeAuthorizePartner);
    const { baseUrl, server } = await startGateway({ authorizePartner });
    try {
      await expectProblem(await fetch(`${baseUrl}/partner/1/items/2`), 401, 'unauthorized');
      expect(authorizePartner).toHaveBeenLastCalledWith(undefined, expect.objectContaining({ operationId: 'partnerThing' }));

      const forbidden = await fetch(`${baseUrl}/partner/1/items/2`, { headers: { 'X-Api-Key': 'no-scope-key' } });
      await expectProblem(forbidden, 403, 'forbidden');
      expect(authorizePartner).toHaveBeenLastCalledWith('no-scope-key', expect.anything());

      const { event } = await echo(baseUrl, '/partner/1/items/2', { headers: { 'x-api-key': 'good-key' } });
      expect(event.requestContext.authorizer).toEqual({ tenantId: 'tenant-1', keyId: 'key-1', scopes: 'read' });
      expect(event.pathParameters).toEqual({ a: '1', b: '2' });

      // Allowed by the authorizer but on no usage plan: API Gateway (key source AUTHORIZER) answers 403.
      await expectProblem(await fetch(`${baseUrl}/partner/1/items/2`, { headers: { 'x-api-key': 'planless-key' } }), 403, 'forbidden');
    } finally {
      await stopGateway(server);
    }
  });

  it('throttles partner routes by the usage identifier key, with the limit of the plan the authorizer named', async () => {
    const plans: (string | undefined)[] = [];
    const partnerKeyRateLimit = (plan: string | undefined) => {
      plans.push(plan);
      return { perSecond: 0.01, burst: 2 };
    };
    const { baseUrl, server } = await startGateway({ partnerKeyRateLimit });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await fetch(`${baseUrl}/partner/1/items/2`, { headers: { 'x-api-key': 'good-key' } })).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(plans).toEqual(['standard']);
    } finally {
      await stopGateway(server);
    }
  });

  it('answers 503 service_unavailable with Retry-After when the authorizer meets a database outage', async () => {
    const failing = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { baseUrl, server } = await startGateway({
      authorizePartner: async () => {
        throw Object.assign(new Error('read timed out'), { name: 'TimeoutError' });
      },
    });
    try {
      const response = await fetch(`${baseUrl}/partner/1/items/2`, { headers: { 'x-api-key': 'good-key' } });
      expect(response.headers.get('retry-after')).toBe('1');
      await expectProblem(response, 503, 'service_unavailable');
    } finally {
      failing.mockRestore();
      await stopGateway(server);
    }
  });

  it('answers 500 internal_error when the authorizer fails for any other reason (a bug)', async () => {
    const failing = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { baseUrl, server } = await startGateway({
      authorizePartner: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    try {
      await expectProblem(await fetch(`${baseUrl}/partner/1/items/2`, { headers: { 'x-api-key': 'good-key' } }), 500, 'internal_error');
    } finally {
      failing.mockRestore();
      await stopGateway(server);
    }
  });

  it('never calls a handler for a public route through the authorizer', async () => {
    const authorizePartner = vi.fn(fakeAuthorizePartner);
    const { baseUrl, server } = await startGateway({ authorizePartner });
    try {
      await echo(baseUrl, '/things/abc');
      expect(authorizePartner).not.toHaveBeenCalled();
    } finally {
      await stopGateway(server);
    }
  });

  it('answers 401 on operator routes when no operator authorizer is configured', async () => {
    const { baseUrl, server } = await startGateway();
    try {
      await expectProblem(await fetch(`${baseUrl}/admin/things`, { headers: { authorization: 'Bearer x' } }), 401, 'unauthorized');
    } finally {
      await stopGateway(server);
    }
  });

  it('uses the operator authorizer with the Authorization header when given', async () => {
    const authorizeOperator = vi.fn(
      async (authorization: string | undefined): Promise<AuthorizeResult> =>
        authorization === 'Bearer admin' ? { ok: true, context: { role: 'support' } } : { ok: false, code: 'forbidden' },
    );
    const { baseUrl, server } = await startGateway({ authorizeOperator });
    try {
      await expectProblem(await fetch(`${baseUrl}/admin/things`, { headers: { authorization: 'Bearer other' } }), 403, 'forbidden');
      const { event } = await echo(baseUrl, '/admin/things', { headers: { authorization: 'Bearer admin' } });
      expect(event.requestContext.authorizer).toEqual({ role: 'support' });
      expect(authorizeOperator).toHaveBeenLastCalledWith('Bearer admin', expect.objectContaining({ operationId: 'adminThing' }));
    } finally {
      await stopGateway(server);
    }
  });
});

describe('local gateway request log', () => {
  it('logs method, path, status and duration, never headers or the query', async () => {
    const lines: string[] = [];
    const logged = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const { baseUrl, server } = await startGateway({ log: true });
    try {
      await echo(baseUrl, '/things/abc?secret=s3cr3t', { headers: { 'x-api-key': 'k3y' } });
      await fetch(`${baseUrl}/nope`);
    } finally {
      await stopGateway(server);
      logged.mockRestore();
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^GET \/things\/abc 200 \d+ms$/);
    expect(lines[1]).toMatch(/^GET \/nope 404 \d+ms$/);
  });
});

describe('local gateway refusals have the shape API Gateway and WAF answer with (test/infra/stack.test.ts checks that side)', () => {
  it('429 rate_limited, 503 service_unavailable, 405 method_not_allowed and 404 not_found', async () => {
    const failing = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { baseUrl, server } = await startGateway({
      partnerKeyRateLimit: { perSecond: 0.01, burst: 1 },
      authorizePartner: async (apiKey) => {
        if (apiKey === 'outage') throw Object.assign(new Error('read timed out'), { name: 'TimeoutError' });
        return fakeAuthorizePartner(apiKey);
      },
    });
    try {
      const partner = (key: string) => fetch(`${baseUrl}/partner/1/items/2`, { headers: { 'x-api-key': key } });
      expect((await partner('good-key')).status).toBe(200);
      expectProblemWire(await wireOf(await partner('good-key')), 'rate_limited');
      expectProblemWire(await wireOf(await partner('outage')), 'service_unavailable', { headers: { 'retry-after': '1' } });
      const wrongMethod = await wireOf(await fetch(`${baseUrl}/things`, { method: 'DELETE' }));
      expectProblemWire(wrongMethod, 'method_not_allowed', { headers: { allow: 'POST' } });
      expect(wrongMethod.body.detail).toBe('Use POST on this resource');
      expectProblemWire(await wireOf(await fetch(`${baseUrl}/nothing/here`)), 'not_found');
    } finally {
      failing.mockRestore();
      await stopGateway(server);
    }
  });
});
