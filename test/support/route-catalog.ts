import * as z from 'zod/mini';
import type { ZodMiniType } from 'zod/mini';
import { routes } from '../../functions/api/manifest.ts';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import { OPERATOR_ROLES, PARTNER_SCOPES, type OperatorRole, type PartnerScope } from '../../functions/domain/vocabulary.ts';
import { newIdempotencyKey } from './local-api.ts';
import { rawRequest, type RawRequest, type RawResponse } from './raw-http.ts';

/**
 * The route manifest seen from a security test: which routes exist, who may call them, which
 * ids they take, and one valid request per route. Suites loop over `routes` so a route added
 * to the manifest is covered (or, without a sample here, fails loudly) the day it lands.
 */
export { routes };

export const ALL_OPERATOR_ROLES: OperatorRole[] = [...OPERATOR_ROLES];
export const ALL_PARTNER_SCOPES: PartnerScope[] = [...PARTNER_SCOPES];

export const partnerRoutes = routes.filter((route) => route.auth === 'partner');
export const operatorRoutes = routes.filter((route) => route.auth === 'operator');
export const bodyRoutes = routes.filter((route) => route.request?.body);

export type JsonSchema = Record<string, any>;

export function inputJsonSchema(schema: ZodMiniType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;
}

/** Top-level field names a route reads from its path, query and body. */
export function requestFields(route: RouteDefinition): { params: string[]; query: string[]; body: string[] } {
  const names = (schema: ZodMiniType | undefined) => Object.keys((schema ? inputJsonSchema(schema).properties : undefined) ?? {});
  return { params: names(route.request?.params), query: names(route.request?.query), body: names(route.request?.body) };
}

/** Ids that name an object (`accountId`, `tenantId`, `keyId`, `orderId`…) wherever the route takes them. */
export function idFields(route: RouteDefinition): string[] {
  const { params, query, body } = requestFields(route);
  return [...new Set([...params, ...query, ...body].filter((name) => /Id$/.test(name)))];
}

export function concretePath(route: RouteDefinition, params: Record<string, string> = {}): string {
  return route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.operationId}: no value for path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/** What the valid sample requests act on. */
export interface Fixtures {
  /** The tenant operator routes act on. */
  tenantId: string;
  /** An account of that tenant with points, and a purchase order it earned (points left to reverse). */
  accountId: string;
  orderId: string;
  /** A live partner key id of the tenant, a fresh one on every call (rotation and revocation use it up). */
  keyId(): Promise<string>;
  /** A tenant id nobody has used yet. */
  newTenantId(): string;
  /** A fresh account of the tenant: a lock on it blocks no other sample. */
  newAccountId(): Promise<string>;
  /** An active lock on a fresh account, to lift. */
  lock(): Promise<{ accountId: string; lockId: string }>;
  /** A pending 50-point adjustment request on a fresh account, requested by another operator than the samples' caller. */
  approval(): Promise<string>;
  /** A live 5000-point redemption hold on a fresh account (its own, so commits and releases block no other sample). */
  hold(): Promise<string>;
}

/**
 * The account, lock and approval fixtures, made through the API as a partner and a platform
 * admin would; approval requests by `requesterToken`, an operator other than the samples' caller
 * (nobody approves their own).
 */
export function accountFixtures(baseUrl: string, tenantId: string, partnerKey: string, operatorToken: string, requesterToken: string) {
  const newAccountId = async () => {
    const accountId = unique('acct');
    const response = await fetch(`${baseUrl}/api/v1/accounts/${accountId}`, {
      method: 'PUT',
      headers: { 'x-api-key': partnerKey, 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() },
      body: JSON.stringify({ profile: { profileId: `p-${accountId}`, role: 'CONSUMER' } }),
    });
    if (response.status !== 201) throw new Error(`fixture account: ${response.status} ${await response.text()}`);
    return accountId;
  };
  const lock = async () => {
    const accountId = await newAccountId();
    const response = await fetch(`${baseUrl}/api/v1/admin/tenants/${tenantId}/accounts/${accountId}/locks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() },
      body: JSON.stringify({ kind: 'transfer', reasonCode: 'other' }),
    });
    const body = (await response.json()) as { lockId?: string };
    if (response.status !== 201 || !body.lockId) throw new Error(`fixture lock: ${response.status} ${JSON.stringify(body)}`);
    return { accountId, lockId: body.lockId };
  };
  const approval = async () => {
    const accountId = await newAccountId();
    const response = await fetch(`${baseUrl}/api/v1/admin/tenants/${tenantId}/adjustments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${requesterToken}`, 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() },
      body: JSON.stringify({ accountId, points: 50, reasonCode: 'goodwill', ticket: 'FIX-1', note: 'fixture' }),
    });
    const body = (await response.json()) as { approvalId?: string };
    if (response.status !== 202 || !body.approvalId) throw new Error(`fixture approval: ${response.status} ${JSON.stringify(body)}`);
    return body.approvalId;
  };
  const partnerCall = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': partnerKey, 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const hold = async () => {
    const accountId = await newAccountId();
    const earned = await partnerCall('/api/v1/earn', { accountId, source: { type: 'bonus', campaignId: 'fixture', points: 5000 } });
    if (earned.status !== 201) throw new Error(`fixture hold earn: ${earned.status} ${JSON.stringify(earned.body)}`);
    const held = await partnerCall('/api/v1/redemptions', { accountId, points: 5000, orderId: unique('hold') });
    if (held.status !== 201 || typeof held.body.redemptionId !== 'string') {
      throw new Error(`fixture hold: ${held.status} ${JSON.stringify(held.body)}`);
    }
    return held.body.redemptionId;
  };
  return { newAccountId, lock, approval, hold };
}

export interface SampleRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** What this request, valid and allowed, answers in a test table when that is not a 2xx. */
  expectStatus?: number;
}

let sampleCounter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${(sampleCounter += 1)}`;

/**
 * One valid request per route, by operationId. A route the manifest gains without an entry
 * here makes the catalogue test fail, so no suite can silently skip it.
 */
export const SAMPLES: Record<string, (f: Fixtures) => Promise<SampleRequest>> = {
  health: async () => ({}),
  getOpenApi: async () => ({}),
  putAccount: async (f) => ({ params: { accountId: f.accountId }, body: { profile: { profileId: 'p-sample', role: 'CONSUMER' } } }),
  getAccount: async (f) => ({ params: { accountId: f.accountId } }),
  earn: async (f) => ({ body: { accountId: f.accountId, source: { type: 'bonus', campaignId: unique('camp'), points: 10 } } }),
  redeem: async (f) => ({ body: { accountId: f.accountId, points: 5000, orderId: unique('checkout') } }),
  quoteRedemption: async (f) => ({ body: { accountId: f.accountId, points: 5000 } }),
  createRedemptionHold: async (f) => ({ body: { accountId: f.accountId, points: 5000, orderId: unique('hold'), holdSeconds: 3600 } }),
  commitRedemption: async (f) => ({ params: { redemptionId: await f.hold() } }),
  releaseRedemption: async (f) => ({ params: { redemptionId: await f.hold() } }),
  getRedemption: async (f) => ({ params: { redemptionId: await f.hold() } }),
  createReversal: async (f) => ({ body: { accountId: f.accountId, orderId: f.orderId, points: 10, reason: 'refund' } }),
  getBalance: async (f) => ({ query: { accountId: f.accountId } }),
  listTransactions: async (f) => ({ query: { accountId: f.accountId, limit: '5' } }),
  createTenant: async (f) => ({ body: { tenantId: f.newTenantId(), displayName: 'Sample tenant' } }),
  getTenant: async (f) => ({ params: { tenantId: f.tenantId } }),
  getTenantConfig: async (f) => ({ params: { tenantId: f.tenantId } }),
  getLiabilityReport: async (f) => ({ params: { tenantId: f.tenantId } }),
  getDailyReport: async (f) => ({ params: { tenantId: f.tenantId }, query: { from: '2026-01-01', to: '2026-01-31' } }),
  putTenantConfig: async (f) => ({ params: { tenantId: f.tenantId }, body: { approvals: { expiryDays: 7 } } }),
  createPartnerKey: async (f) => ({ params: { tenantId: f.tenantId }, body: { scopes: ['read'], label: 'sample' } }),
  listPartnerKeys: async (f) => ({ params: { tenantId: f.tenantId } }),
  rotatePartnerKey: async (f) => ({ params: { tenantId: f.tenantId, keyId: await f.keyId() }, body: { overlapSeconds: 60 } }),
  revokePartnerKey: async (f) => ({ params: { tenantId: f.tenantId, keyId: await f.keyId() }, body: { reason: 'unused' } }),
  getAccountLedger: async (f) => ({ params: { tenantId: f.tenantId, accountId: f.accountId }, query: { limit: '5' } }),
  applyLock: async (f) => ({
    params: { tenantId: f.tenantId, accountId: await f.newAccountId() },
    body: { kind: 'account', reasonCode: 'account_review' },
  }),
  liftLock: async (f) => {
    const { accountId, lockId } = await f.lock();
    return { params: { tenantId: f.tenantId, accountId, lockId }, body: { reasonCode: 'resolved' } };
  },
  createAdjustment: async (f) => ({
    params: { tenantId: f.tenantId },
    // A service credit: the one adjustment every role allowed here (support included) may request.
    body: { accountId: await f.newAccountId(), points: 25, reasonCode: 'service_credit', ticket: 'SAMPLE-1', note: 'sample' },
  }),
  listApprovals: async (f) => ({ params: { tenantId: f.tenantId }, query: { status: 'pending', limit: '5' } }),
  getApproval: async (f) => ({ params: { tenantId: f.tenantId, approvalId: await f.approval() } }),
  approveApproval: async (f) => ({ params: { tenantId: f.tenantId, approvalId: await f.approval() }, body: { note: 'sample' } }),
  rejectApproval: async (f) => ({ params: { tenantId: f.tenantId, approvalId: await f.approval() }, body: { reasonCode: 'other' } }),
  // No day is ever sealed in a test table: the valid request is answered "no such export".
  getAuditExport: async (f) => ({ params: { tenantId: f.tenantId, day: '2026-01-01' }, expectStatus: 404 }),
};

export function sampleFor(route: RouteDefinition, fixtures: Fixtures): Promise<SampleRequest> {
  const build = SAMPLES[route.operationId];
  if (!build) throw new Error(`No sample request for route ${route.operationId}: add one to test/support/route-catalog.ts`);
  return build(fixtures);
}

export type Credentials = { partnerKey: string } | { operatorToken: string } | { headers: Record<string, string> } | undefined;

export function credentialHeaders(credentials: Credentials): Record<string, string> {
  if (credentials === undefined) return {};
  if ('partnerKey' in credentials) return { 'x-api-key': credentials.partnerKey };
  if ('operatorToken' in credentials) return { authorization: `Bearer ${credentials.operatorToken}` };
  return credentials.headers;
}

/** The raw HTTP request for a sample: JSON body, a fresh Idempotency-Key on idempotent routes. */
export function toRawRequest(
  route: RouteDefinition,
  sample: SampleRequest,
  credentials: Credentials,
  headers: Record<string, string> = {},
): RawRequest {
  const query = sample.query ? new URLSearchParams(sample.query).toString() : '';
  return {
    method: route.method,
    path: `${concretePath(route, sample.params)}${query ? `?${query}` : ''}`,
    headers: {
      ...credentialHeaders(credentials),
      ...(sample.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(route.idempotent ? { 'idempotency-key': newIdempotencyKey() } : {}),
      ...headers,
    },
    ...(sample.body !== undefined ? { body: JSON.stringify(sample.body) } : {}),
  };
}

export function sendSample(
  baseUrl: string,
  route: RouteDefinition,
  sample: SampleRequest,
  credentials: Credentials,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return rawRequest(baseUrl, toRawRequest(route, sample, credentials, headers));
}
