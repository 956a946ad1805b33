import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { KeyRateLimit } from '../../local/gateway/key-rate-limit.ts';
import type { GatewayOptions } from '../../local/gateway.ts';
import { localS3Env, startLocalS3, type LocalS3 } from '../../local/s3-local.ts';
import type { LocalStepFunctions } from '../../local/step-functions-server.ts';
import { useTestTable } from './test-table.ts';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface LocalApi {
  baseUrl: string;
  tableName: string;
  s3: LocalS3;
  /** Creates a tenant with a fresh partner key (all scopes unless given). */
  newTenant(
    tenantId?: string,
    scopes?: string[],
    limits?: { accountWritesPerMinute?: number },
    redemption?: Partial<import('../../functions/domain/tenant-config.ts').ConfigVersion['redemption']>,
  ): Promise<{ tenantId: string; partnerKey: string }>;
  /** A token from the local issuer, as Cognito would sign one. */
  operatorToken(roles: string[], tenantId?: string): Promise<string>;
  /** An operator's HTTP client, named by `subject`: approvals tell operators apart by it. */
  operator(subject: string, roles: string[], tenantId?: string): Promise<ReturnType<typeof operatorClient>>;
  operatorIssuer: import('../../local/operator-issuer.ts').OperatorIssuer;
  /** Names of DynamoDB commands sent since the last reset, in order. */
  sdkCalls: { name: string; consistentRead: boolean; key?: string }[];
  /** The local Step Functions (one per test process): its executions, and errors its tasks threw. */
  workflows: LocalStepFunctions;
  taskErrors: { state: string; error: Error }[];
  close(): Promise<void>;
}

/** One local Step Functions per test process: the functions' client reads its endpoint once. */
let sharedWorkflows: Promise<LocalStepFunctions> | undefined;
const taskErrors: LocalApi['taskErrors'] = [];

type PartnerAuthorizer = GatewayOptions['authorizePartner'];

export interface LocalApiOptions {
  partnerKeyRateLimit?: KeyRateLimit;
  /** Another DynamoDB Local than the run's shared one (a test that restarts its own). */
  endpoint?: string;
  /** Wraps the partner authorizer the gateway calls (for example with a cache, as on AWS). */
  wrapAuthorizer?: (authorize: PartnerAuthorizer) => PartnerAuthorizer;
}

/**
 * The real service in-process: a fresh table on the shared DynamoDB Local, the local gateway
 * on a free port, and the same handler modules the Lambdas run. Counts SDK calls so tests can
 * prove "one read, one transaction".
 */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const { endpoint, wrapAuthorizer, ...opts } = options;
  const { tableName } = await useTestTable(endpoint);
  // Every route works in the harness, the audit export route included: a local S3 of its own.
  const s3 = await startLocalS3();
  localS3Env(s3);
  process.env.HASH_KEY ??= randomBytes(32).toString('hex');
  const rootDir = new URL('../..', import.meta.url).pathname;
  const { startLocalWorkflows } = await import('../../local/local-workflows.ts');
  sharedWorkflows ??= startLocalWorkflows(rootDir, { onTaskError: (state, error) => taskErrors.push({ state, error }) });
  const workflows = await sharedWorkflows;
  const { routes } = await import('../../functions/api/manifest.ts');
  const { authorizePartnerRequest } = await import('../../functions/api/authorizer.ts');
  const { createGateway } = await import('../../local/gateway.ts');
  const { provisionTenant } = await import('../../functions/usecases/provision-tenant.ts');
  const { getDocumentClient } = await import('../../functions/store/client.ts');
  const { createOperatorIssuer } = await import('../../local/operator-issuer.ts');
  const operators = await createOperatorIssuer({ issuer: 'https://operators.test.invalid' });

  const sdkCalls: LocalApi['sdkCalls'] = [];
  getDocumentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ConsistentRead?: boolean; Key?: unknown; RequestItems?: Record<string, { ConsistentRead?: boolean }> };
      const consistentRead =
        input.ConsistentRead === true || Object.values(input.RequestItems ?? {}).some((r) => r.ConsistentRead === true);
      sdkCalls.push({ name: String(context.commandName), consistentRead, ...(input.Key ? { key: JSON.stringify(input.Key) } : {}) });
      return next(args);
    },
    { step: 'initialize', name: 'countCallsForTests' },
  );

  const authorizePartner = wrapAuthorizer ? wrapAuthorizer(authorizePartnerRequest) : authorizePartnerRequest;
  const server: Server = createGateway({ routes, rootDir, authorizePartner, authorizeOperator: operators.authorize, ...opts });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    tableName,
    s3,
    sdkCalls,
    workflows,
    taskErrors,
    async newTenant(tenantId = `t${randomBytes(4).toString('hex')}`, scopes, limits, redemption) {
      const { partnerKey } = await provisionTenant({
        tenantId,
        displayName: tenantId,
        ...(scopes ? { scopes: scopes as never } : {}),
        ...(limits ? { limits } : {}),
        ...(redemption ? { redemption } : {}),
      });
      return { tenantId, partnerKey };
    },
    operatorToken: (roles, tenantId) =>
      operators.mint({ subject: `op-${roles.join('-')}-${tenantId ?? 'all'}`, roles: roles as never, ...(tenantId ? { tenantId } : {}) }),
    operatorIssuer: operators,
    operator: async (subject, roles, tenantId) =>
      operatorClient(
        `http://127.0.0.1:${port}`,
        await operators.mint({ subject, roles: roles as never, ...(tenantId ? { tenantId } : {}) }),
      ),
    async close() {
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      workflows.abortExecutions();
      await s3.stop();
    },
  };
}

let keyCounter = 0;
export const newIdempotencyKey = () => `idem-${process.pid}-${Date.now()}-${(keyCounter += 1)}`;

/** JSON over HTTP with the caller's credentials, and an Idempotency-Key on every mutating call. */
function jsonClient(baseUrl: string, credentials: Record<string, string>) {
  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...credentials,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && !('idempotency-key' in headers) ? { 'idempotency-key': newIdempotencyKey() } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}

/** A partner's HTTP client: JSON in and out, Idempotency-Key on every mutating call. */
export function partnerClient(baseUrl: string, apiKey: string) {
  const call = jsonClient(baseUrl, { 'x-api-key': apiKey });
  return {
    call,
    putAccount: (
      accountId: string,
      body: unknown = { profile: { profileId: `p-${accountId}`, role: 'CONSUMER' } },
      headers?: Record<string, string>,
    ) => call('PUT', `/api/v1/accounts/${encodeURIComponent(accountId)}`, body, headers),
    getAccount: (accountId: string) => call('GET', `/api/v1/accounts/${encodeURIComponent(accountId)}`),
    earn: (body: unknown, headers?: Record<string, string>) => call('POST', '/api/v1/earn', body, headers),
    redeem: (body: unknown, headers?: Record<string, string>) => call('POST', '/api/v1/redeem', body, headers),
    quote: (body: unknown) => call('POST', '/api/v1/redemptions/quote', body),
    hold: (body: unknown, headers?: Record<string, string>) => call('POST', '/api/v1/redemptions', body, headers),
    commitHold: (redemptionId: string, headers?: Record<string, string>) =>
      call('POST', `/api/v1/redemptions/${encodeURIComponent(redemptionId)}/commit`, undefined, headers),
    releaseHold: (redemptionId: string, headers?: Record<string, string>) =>
      call('POST', `/api/v1/redemptions/${encodeURIComponent(redemptionId)}/release`, undefined, headers),
    redemption: (redemptionId: string) => call('GET', `/api/v1/redemptions/${encodeURIComponent(redemptionId)}`),
    reverse: (body: unknown, headers?: Record<string, string>) => call('POST', '/api/v1/reversals', body, headers),
    balance: (accountId: string) => call('GET', `/api/v1/balance?accountId=${encodeURIComponent(accountId)}`),
    transactions: (query: string) => call('GET', `/api/v1/transactions?${query}`),
  };
}

export type PartnerClient = ReturnType<typeof partnerClient>;

export function operatorClient(baseUrl: string, token: string) {
  return { call: jsonClient(baseUrl, { authorization: `Bearer ${token}` }) };
}

/**
 * A fresh tenant (its redemption rules as given) whose accounts exist, each with a bonus of the
 * points named (none for 0), and its partner client.
 */
export async function tenantWithPoints(
  api: LocalApi,
  accounts: Record<string, number>,
  redemption?: Parameters<LocalApi['newTenant']>[3],
): Promise<{ tenantId: string; partner: PartnerClient }> {
  const { tenantId, partnerKey } = await api.newTenant(undefined, undefined, undefined, redemption);
  const partner = partnerClient(api.baseUrl, partnerKey);
  for (const [accountId, points] of Object.entries(accounts)) {
    const linked = await partner.putAccount(accountId);
    if (linked.status !== 201) throw new Error(`tenantWithPoints: account ${accountId}: ${linked.status}`);
    if (points === 0) continue;
    const earned = await partner.earn({ accountId, source: { type: 'bonus', campaignId: 'seed', points } });
    if (earned.status !== 201) throw new Error(`tenantWithPoints: bonus for ${accountId}: ${earned.status}`);
  }
  return { tenantId, partner };
}

/** The usual start of a test file: the local API with one tenant and its partner client. */
export async function startPartnerApi(): Promise<{ api: LocalApi; tenantId: string; partner: PartnerClient }> {
  const api = await startLocalApi();
  const { tenantId, partnerKey } = await api.newTenant();
  return { api, tenantId, partner: partnerClient(api.baseUrl, partnerKey) };
}
