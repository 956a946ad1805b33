import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_ONLY_FIELDS } from '../../schemas/visibility.ts';
import { cloneJson, nodeAt, objectPaths, objectWith, valuePaths } from '../support/json-paths.ts';
import { isObject, schemaErrors, type Schema } from '../support/json-schema.ts';
import { newIdempotencyKey, operatorClient, partnerClient, startLocalApi, type LocalApi } from '../support/local-api.ts';
import { expectProblem } from '../support/problem-assertions.ts';
import { rawRequest, type RawResponse } from '../support/raw-http.ts';
import { accountFixtures, routes, sampleFor, type Fixtures, type SampleRequest } from '../support/route-catalog.ts';
import { snapshotTable } from '../support/table-snapshot.ts';

/*
 * Hostile requests generated from the published OpenAPI document (not from the zod schemas
 * the handlers run): for every authenticated operation, fast-check starts from one valid
 * request and breaks it (wrong types, missing and extra fields, huge, negative and
 * fractional numbers, unicode and control characters, traversal and `#` in ids, prototype
 * keys, wrong content types, bad Idempotency-Keys, unknown or repeated query parameters,
 * undeclared methods), sends it with valid credentials so it reaches the handler, and
 * requires a 4xx problem+json with a code the document lists for that operation. The table
 * must hold exactly what it held before.
 *
 * An independent JSON Schema check of the document (test/support/json-schema.ts) decides
 * whether a generated request is really invalid; the rare mutation that happens to produce a
 * valid request is discarded rather than sent.
 *
 *   FUZZ_RUNS=2000 npx vitest run test/security/fuzz-openapi.test.ts    (runs per operation; default 250)
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> ...                                 (replay a failure fast-check printed)
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;

/** README: request bodies are limited to 16 KiB. */
const MAX_BODY_BYTES = 16 * 1024;
/** Refusals the gateway itself makes before any operation is chosen (no such path or method). */
const GATEWAY_CODES = ['not_found', 'method_not_allowed'];
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'];

const openapi = JSON.parse(readFileSync(new URL('../../schemas/openapi.json', import.meta.url), 'utf8')) as Schema;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

interface Operation {
  operationId: string;
  method: string;
  template: string;
  security: 'partnerKey' | 'operatorJwt';
  pathParams: Parameter[];
  queryParams: Parameter[];
  idempotencyHeader?: Parameter;
  body?: Schema;
  /** Methods the document declares on this path. */
  pathMethods: string[];
  /** Every problem code the document lists for the operation, plus the gateway's own. */
  codes: Set<string>;
}

function operationsOf(document: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [template, item] of Object.entries<Record<string, Schema>>(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const scheme = Object.keys(op.security?.[0] ?? {})[0];
      if (scheme === undefined) continue; // public routes take no input to break
      const parameters: Parameter[] = op.parameters ?? [];
      const codes = new Set<string>(GATEWAY_CODES);
      for (const [status, response] of Object.entries<Schema>(op.responses)) {
        if (Number(status) >= 400) for (const code of response['x-problem-codes'] ?? []) codes.add(code);
      }
      const idempotencyHeader = parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        template,
        security: scheme as Operation['security'],
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        ...(idempotencyHeader ? { idempotencyHeader } : {}),
        ...(op.requestBody ? { body: op.requestBody.content['application/json'].schema } : {}),
        pathMethods: Object.keys(item).map((m) => m.toUpperCase()),
        codes,
      });
    }
  }
  return out;
}

const operations = operationsOf(openapi);

/* ------------------------------------------------------------------ requests */

type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; bytes: Buffer };

interface FuzzRequest {
  method: string;
  /** Decoded path parameter values and how each is put on the wire. */
  path: Record<string, { value: string; encoding: Encoding }>;
  query: [string, string][];
  headers: Record<string, string>;
  body: Body;
}

type Encoding = 'component' | 'raw-hash' | 'double';

/** encodeURIComponent, except that a lone surrogate goes out as its (invalid) UTF-8 style bytes instead of throwing. */
function encodeComponent(value: string): string {
  let out = '';
  for (const char of value) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

const encodeSegment: Record<Encoding, (value: string) => string> = {
  component: encodeComponent,
  // `#` sent as is: a client that forgot to encode it (the gateway must not treat it as a fragment or key separator).
  'raw-hash': (value) => encodeComponent(value).replace(/%23/g, '#'),
  double: (value) => encodeComponent(encodeComponent(value)),
};

/** Header values as HTTP can carry them (no control characters but tab; bytes 0x80-0xFF as latin1). */
const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '\u00bf');

function wirePath(op: Operation, request: FuzzRequest): string {
  const path = op.template.replace(/\{([A-Za-z0-9_]+)\}/g, (_w, name: string) => {
    const param = request.path[name]!;
    return encodeSegment[param.encoding](param.value);
  });
  const query = new URLSearchParams(request.query).toString();
  return query ? `${path}?${query}` : path;
}

function bodyBytes(body: Body): Buffer | undefined {
  if (body.kind === 'none') return undefined;
  if (body.kind === 'raw') return body.bytes;
  return Buffer.from(JSON.stringify(body.value) ?? 'null', 'utf8');
}

function baseRequest(op: Operation, sample: SampleRequest): FuzzRequest {
  return {
    method: op.method,
    path: Object.fromEntries(Object.entries(sample.params ?? {}).map(([name, value]) => [name, { value, encoding: 'component' as const }])),
    query: Object.entries(sample.query ?? {}),
    headers: {
      ...(op.body ? { 'content-type': 'application/json' } : {}),
      ...(op.idempotencyHeader ? { 'idempotency-key': newIdempotencyKey() } : {}),
    },
    body: sample.body === undefined ? { kind: 'none' } : { kind: 'json', value: sample.body },
  };
}

/* ------------------------------------------------------------------ the oracle */

/**
 * Why the request breaks the published contract, judged on what goes over the wire and
 * decoded the way a server decodes it; empty when it is a valid request.
 */
function contractViolations(op: Operation, request: FuzzRequest): string[] {
  const out: string[] = [];
  const wire = wirePath(op, request);
  const [pathPart = '', queryPart = ''] = splitOnce(wire, '?');
  if (!op.pathMethods.includes(request.method) || request.method !== op.method) out.push('method');

  const templateSegments = op.template.split('/');
  const segments = pathPart.split('/');
  if (segments.length !== templateSegments.length) out.push('path shape');
  else {
    templateSegments.forEach((part, i) => {
      const name = /^\{(.+)\}$/.exec(part)?.[1];
      if (name === undefined) return;
      let decoded: string;
      try {
        decoded = decodeURIComponent(segments[i]!);
      } catch {
        out.push(`path ${name}: bad percent-encoding`);
        return;
      }
      const param = op.pathParams.find((p) => p.name === name)!;
      out.push(...schemaErrors(param.schema, decoded, openapi, `path.${name}`));
    });
  }

  const pairs = [...new URLSearchParams(queryPart)];
  const seen = new Set<string>();
  for (const [name, value] of pairs) {
    const param = op.queryParams.find((p) => p.name === name);
    if (!param) out.push(`query ${name}: not documented`);
    else out.push(...schemaErrors(param.schema, value, openapi, `query.${name}`));
    if (seen.has(name)) out.push(`query ${name}: repeated`);
    seen.add(name);
  }
  for (const param of op.queryParams) if (param.required && !seen.has(param.name)) out.push(`query ${param.name}: missing`);

  if (op.idempotencyHeader) {
    // HTTP strips leading and trailing whitespace from field values.
    const key = headerOf(request.headers, 'idempotency-key')?.replace(/^[ \t]+|[ \t]+$/g, '');
    if (!key) out.push('Idempotency-Key missing');
    else out.push(...schemaErrors(op.idempotencyHeader.schema, key, openapi, 'Idempotency-Key'));
  }

  if (op.body) {
    const bytes = bodyBytes(request.body);
    const text = bytes?.toString('utf8') ?? '';
    const mediaType = (headerOf(request.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!bytes || text.trim() === '') out.push('body missing');
    else if (bytes.length > MAX_BODY_BYTES) out.push('body over 16 KiB');
    if (!/^application\/([a-z0-9.+-]+\+)?json$/.test(mediaType)) out.push(`content-type ${mediaType}`);
    try {
      out.push(...schemaErrors(op.body, JSON.parse(text), openapi, 'body'));
    } catch (error) {
      if (error instanceof SyntaxError) out.push('body is not JSON');
      else throw error;
    }
  }
  return out;
}

/* ------------------------------------------------------------------ hostile values */

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'tenantId',
  'isAdmin',
  'admin',
  'role',
  'roles',
  'scopes',
  'status',
  'balance',
  'available',
  'debt',
  'lots',
  'wallets',
  'seq',
  'hash',
  'prevHash',
  'ruleVersion',
  '',
  ' ',
  'accountId ',
  'AccountId',
  '$where',
  'a.b',
  'a[0]',
  ...OPERATOR_ONLY_FIELDS,
];

const HOSTILE_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../../etc/passwd',
  '..%2F..%2Fadmin',
  '%2e%2e%2f',
  '..\\..\\windows',
  'a/b',
  'a#b',
  '#',
  'T#other#A#victim',
  'A#victim',
  '\u0000',
  'a\u0000b',
  'a\nb',
  '\r\n',
  '\t',
  '\u001b[31m',
  '\u007f',
  '\u202e',
  '\u200b',
  '\ufeff',
  '😀',
  'ﬁ',
  'İ',
  'Ω',
  '\ud800',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '{"$gt":""}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe sent as a plain string
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '0x10',
  '\\',
  '%00',
  '%',
  '%zz',
  'key_',
  'key_0123456789abcdeg',
  `rrr_${'A'.repeat(43)}`,
  'a'.repeat(33),
  'a'.repeat(65),
  'a'.repeat(129),
  'a'.repeat(256),
  'x'.repeat(4000),
  '2026-13-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01',
  'yesterday',
  '9999-12-31T23:59:59+24:00',
];

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1.5, 9.99, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 100_000_001, 1_000_000_001, 1e-7, 5e-324, -5000),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -(2 ** 31), max: -1 }),
);

const hostileKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 50 }, () => 'read')) },
  { weight: 1, arbitrary: fc.tuple(hostileKey, fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => objectWith({}, key, value)) },
);

const RAW_BODIES = [
  '',
  ' ',
  '{',
  '}',
  '[',
  '{"accountId":',
  'NaN',
  'Infinity',
  'undefined',
  "{'accountId':'x'}",
  '{"a":1,}',
  '\ufeff{}',
  '/* c */ {}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '[]',
  '[{}]',
  '"a string"',
  '42',
  'true',
  'null',
  '['.repeat(8000) + ']'.repeat(8000),
  `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  'a'.repeat(MAX_BODY_BYTES + 1),
  `{"x":"${'x'.repeat(MAX_BODY_BYTES)}"}`,
  'accountId=victim&points=5000',
  '<xml><accountId>victim</accountId></xml>',
];

const rawBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom(...RAW_BODIES).map((text) => Buffer.from(text, 'utf8')),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])),
);

const HOSTILE_CONTENT_TYPES = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonp',
  'application/json5',
  'json',
  '*/*',
  'application/*',
  'application',
  'application/octet-stream',
  'image/png',
  ' ',
  'application/ json',
];

const HOSTILE_IDEMPOTENCY_KEYS = ['x'.repeat(256), 'x'.repeat(1000), 'tab\tinside', 'caf\u00e9', '\u00ff\u00fe', '\u0080', ' ', '\t', ''];

/** Headers that must change nothing (no effect on who, which tenant or which method). */
const NOISE_HEADERS: [string, string][] = [
  ['x-forwarded-for', '10.0.0.1, 127.0.0.1'],
  ['x-real-ip', '10.0.0.2'],
  ['x-http-method-override', 'DELETE'],
  ['x-method-override', 'PUT'],
  ['x-tenant-id', 'another-tenant'],
  ['x-amzn-requestid', 'forged'],
  ['x-original-url', '/api/v1/admin/tenants'],
  ['x-rewrite-url', '/api/v1/admin/tenants'],
  ['forwarded', 'for=10.0.0.3;host=evil.example'],
  ['origin', 'https://evil.example'],
  ['cookie', 'session=forged; admin=true'],
  ['accept', 'text/html'],
  ['accept-encoding', 'gzip, deflate, br'],
  ['x-device-id', '\u00ff'.repeat(300)],
  ['user-agent', '() { :; }; echo vulnerable'],
];

/* ------------------------------------------------------------------ mutations */

type Mutation =
  | { kind: 'bodyRaw'; bytes: Buffer }
  | { kind: 'bodyRoot'; value: unknown }
  | { kind: 'bodySet'; pick: number; value: unknown }
  | { kind: 'bodyDelete'; pick: number }
  | { kind: 'bodyAdd'; pick: number; key: string; value: unknown }
  | { kind: 'bodyPad' }
  | { kind: 'header'; name: 'content-type' | 'idempotency-key'; value: string | null }
  | { kind: 'queryAdd'; name: string; value: string }
  | { kind: 'queryRepeat'; pick: number; value: string }
  | { kind: 'queryDelete'; pick: number }
  | { kind: 'querySet'; pick: number; value: string }
  | { kind: 'pathSet'; pick: number; value: string; encoding: Encoding }
  | { kind: 'method'; method: string };

function mutationArb(op: Operation): fc.Arbitrary<Mutation> {
  const options: fc.Arbitrary<Mutation>[] = [];
  const pick = fc.nat({ max: 1000 });
  if (op.body) {
    options.push(
      rawBody.map((bytes) => ({ kind: 'bodyRaw', bytes })),
      hostileValue.filter((value) => !isObject(value)).map((value) => ({ kind: 'bodyRoot', value })),
      fc.record({ pick, value: hostileValue }).map((m) => ({ kind: 'bodySet', ...m })),
      fc.record({ pick, value: hostileValue }).map((m) => ({ kind: 'bodySet', ...m })),
      pick.map((p) => ({ kind: 'bodyDelete', pick: p })),
      fc.record({ pick, key: hostileKey, value: hostileValue }).map((m) => ({ kind: 'bodyAdd', ...m })),
      fc.constant({ kind: 'bodyPad' }),
      fc
        .option(fc.oneof(fc.constantFrom(...HOSTILE_CONTENT_TYPES), fc.string({ unit: 'binary-ascii', maxLength: 30 })), { nil: null })
        .map((value) => ({ kind: 'header', name: 'content-type', value })),
    );
  }
  if (op.idempotencyHeader) {
    options.push(
      fc
        .option(fc.oneof(fc.constantFrom(...HOSTILE_IDEMPOTENCY_KEYS), fc.string({ minLength: 256, maxLength: 400 })), { nil: null })
        .map((value) => ({ kind: 'header', name: 'idempotency-key', value })),
    );
  }
  if (op.queryParams.length > 0) {
    options.push(
      fc.record({ name: hostileKey, value: hostileString }).map((m) => ({ kind: 'queryAdd', ...m })),
      fc.record({ pick, value: hostileString }).map((m) => ({ kind: 'queryRepeat', ...m })),
      pick.map((p) => ({ kind: 'queryDelete', pick: p })),
      fc
        .record({
          pick,
          value: fc.oneof(
            hostileString,
            fc.constantFrom('0', '101', '-1', '1.5', '1e2', '01', ' 5', '５', '99999999999999999999', 'EARN,REDEEM'),
          ),
        })
        .map((m) => ({ kind: 'querySet', ...m })),
    );
  }
  if (op.pathParams.length > 0) {
    const encoding = fc.constantFrom<Encoding>('component', 'component', 'raw-hash', 'double');
    options.push(fc.record({ pick, value: hostileString, encoding }).map((m) => ({ kind: 'pathSet', ...m })));
  }
  const weighted = options.map((arbitrary) => ({ weight: 4, arbitrary }));
  const otherMethods = METHODS.filter((m) => !op.pathMethods.includes(m));
  weighted.push({ weight: 1, arbitrary: fc.constantFrom(...otherMethods).map((method): Mutation => ({ kind: 'method', method })) });
  return fc.oneof(...weighted);
}

function applyMutation(request: FuzzRequest, mutation: Mutation): FuzzRequest {
  const next: FuzzRequest = {
    ...request,
    path: { ...request.path },
    query: request.query.map(([n, v]) => [n, v]),
    headers: { ...request.headers },
    // A JSON round trip clones, keeping own `__proto__` keys as keys.
    body: request.body.kind === 'json' ? { kind: 'json', value: cloneJson(request.body.value) } : request.body,
  };
  const json = next.body.kind === 'json' ? next.body.value : undefined;
  switch (mutation.kind) {
    case 'bodyRaw':
      next.body = { kind: 'raw', bytes: mutation.bytes };
      break;
    case 'bodyRoot':
      next.body = { kind: 'json', value: mutation.value };
      break;
    case 'bodySet': {
      const paths = valuePaths(json);
      const path = paths[mutation.pick % Math.max(1, paths.length)];
      if (path) nodeAt(json, path.slice(0, -1))[path.at(-1)!] = mutation.value;
      else next.body = { kind: 'json', value: mutation.value };
      break;
    }
    case 'bodyDelete': {
      const paths = valuePaths(json).filter((path) => typeof path.at(-1) === 'string');
      const path = paths[mutation.pick % Math.max(1, paths.length)];
      if (path) delete nodeAt(json, path.slice(0, -1))[path.at(-1)!];
      break;
    }
    case 'bodyAdd': {
      const paths = objectPaths(json);
      const path = paths[mutation.pick % Math.max(1, paths.length)];
      if (path) objectWith(nodeAt(json, path), mutation.key, mutation.value);
      break;
    }
    case 'bodyPad':
      next.body = { kind: 'json', value: objectWith(isObject(json) ? json : {}, 'padding', 'x'.repeat(MAX_BODY_BYTES)) };
      break;
    case 'header':
      if (mutation.value === null) delete next.headers[mutation.name];
      else next.headers[mutation.name] = headerSafe(mutation.value);
      break;
    case 'queryAdd':
      next.query.push([mutation.name, mutation.value]);
      break;
    case 'queryRepeat': {
      const existing = next.query[mutation.pick % Math.max(1, next.query.length)];
      next.query.push([existing?.[0] ?? 'accountId', mutation.value]);
      break;
    }
    case 'queryDelete':
      next.query.splice(mutation.pick % Math.max(1, next.query.length), 1);
      break;
    case 'querySet': {
      const names = [...new Set([...next.query.map(([n]) => n)])];
      const name = names[mutation.pick % Math.max(1, names.length)];
      if (name !== undefined) next.query = next.query.map(([n, v]) => [n, n === name ? mutation.value : v]);
      break;
    }
    case 'pathSet': {
      const names = Object.keys(next.path);
      const name = names[mutation.pick % names.length]!;
      next.path[name] = { value: mutation.value, encoding: mutation.encoding };
      break;
    }
    case 'method':
      next.method = mutation.method;
      break;
  }
  return next;
}

const WRITE_COMMANDS = /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)Command$/;

/** Database writes a request made, leaving out the authorizer refreshing its key's lastUsedAt. */
function writesAmong(calls: LocalApi['sdkCalls']): string[] {
  return calls
    .filter((call) => WRITE_COMMANDS.test(call.name))
    .filter((call) => !(call.name === 'UpdateItemCommand' && call.key?.includes('"APIKEY#')))
    .map((call) => `${call.name} ${call.key ?? ''}`);
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

function splitOnce(value: string, separator: string): [string, string] {
  const index = value.indexOf(separator);
  return index === -1 ? [value, ''] : [value.slice(0, index), value.slice(index + 1)];
}

function describeRequest(op: Operation, request: FuzzRequest): string {
  const body = bodyBytes(request.body)?.toString('utf8') ?? '';
  return `${request.method} ${wirePath(op, request).slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 300)} ${body.slice(0, 300)}`;
}

/* ------------------------------------------------------------------ the run */

let api: LocalApi;
let credentials: Record<Operation['security'], Record<string, string>>;
let fixtures: Fixtures;
const tally = new Map<string, number>();
let sent = 0;

beforeAll(async () => {
  api = await startLocalApi();
  const tenant = await api.newTenant();
  const partner = partnerClient(api.baseUrl, tenant.partnerKey);
  expect((await partner.putAccount('fuzz-acct')).status).toBe(201);
  expect(
    (await partner.earn({ accountId: 'fuzz-acct', source: { type: 'purchase', orderId: 'fuzz-order', subtotalCents: 100_000 } })).status,
  ).toBe(201);
  const platformToken = await api.operatorToken(['platform_admin']);
  const created = await operatorClient(api.baseUrl, platformToken).call('POST', `/api/v1/admin/tenants/${tenant.tenantId}/keys`, {
    scopes: ['read'],
  });
  expect(created.status).toBe(201);
  credentials = { partnerKey: { 'x-api-key': tenant.partnerKey }, operatorJwt: { authorization: `Bearer ${platformToken}` } };
  fixtures = {
    ...accountFixtures(
      api.baseUrl,
      tenant.tenantId,
      tenant.partnerKey,
      platformToken,
      await api.operatorIssuer.mint({ subject: 'fixture-requester', roles: ['platform_admin'] }),
    ),
    tenantId: tenant.tenantId,
    accountId: 'fuzz-acct',
    orderId: 'fuzz-order',
    keyId: async () => created.body.keyId as string,
    newTenantId: () => 'fuzz-new-tenant',
  };
});

afterAll(async () => {
  await api?.close();
  const summary = [...tally.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  console.log(`fuzz: ${sent} hostile requests across ${operations.length} operations (${RUNS} runs each): ${summary}`);
});

describe('fuzzing every authenticated operation of schemas/openapi.json', () => {
  it('covers every authenticated route of the manifest', () => {
    const documented = operations.map((op) => op.operationId).sort();
    const declared = routes
      .filter((route) => route.auth !== 'public')
      .map((route) => route.operationId)
      .sort();
    expect(documented).toEqual(declared);
  });

  for (const op of operations) {
    it(`${op.operationId} (${op.method} ${op.template}): every hostile request is a documented 4xx problem and writes nothing`, async () => {
      const route = routes.find((r) => r.operationId === op.operationId)!;
      const base = baseRequest(op, await sampleFor(route, fixtures));
      // The starting point must be valid, or "invalid" would prove nothing about the mutations.
      expect(contractViolations(op, base), 'the sample request breaks the contract').toEqual([]);

      const before = await snapshotTable();
      await fc.assert(
        fc.asyncProperty(
          fc.array(mutationArb(op), { minLength: 1, maxLength: 3 }),
          fc.subarray(NOISE_HEADERS, { maxLength: 3 }),
          async (mutations, noise) => {
            let request = mutations.reduce(applyMutation, base);
            request = { ...request, headers: { ...Object.fromEntries(noise), ...request.headers } };
            fc.pre(contractViolations(op, request).length > 0);
            const callsBefore = api.sdkCalls.length;
            const response: RawResponse = await rawRequest(api.baseUrl, {
              method: request.method,
              path: wirePath(op, request),
              headers: { ...request.headers, ...credentials[op.security] },
              ...(request.body.kind !== 'none' ? { body: bodyBytes(request.body)! } : {}),
            });
            sent += 1;
            const label = `${op.operationId}: ${describeRequest(op, request)}`;
            expect(response.status, label).toBeLessThan(500);
            expectProblem(response, undefined, undefined, label);
            expect([...op.codes], `${label}: code not documented for this operation`).toContain(response.json.code);
            // The ground truth is the table snapshot after the run; this names the request that wrote.
            expect(writesAmong(api.sdkCalls.slice(callsBefore)), `${label}: wrote to the table`).toEqual([]);
            tally.set(`${response.status}:${response.json.code}`, (tally.get(`${response.status}:${response.json.code}`) ?? 0) + 1);
          },
        ),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH ? { path: PATH } : {}) },
      );
      expect(await snapshotTable(), 'the table changed').toEqual(before);
    });
  }
});
