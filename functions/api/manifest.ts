import { AccountPathParams, AccountUpsertBody, AccountView } from '../../schemas/accounts.ts';
import { BalanceQuery, BalanceView } from '../../schemas/balance.ts';
import { EarnBody, EarnResult } from '../../schemas/earn.ts';
import { HealthView } from '../../schemas/health.ts';
import { RedeemBody, RedeemResult } from '../../schemas/redeem.ts';
import { ReversalBody, ReversalResult } from '../../schemas/reversals.ts';
import { TransactionsPage, TransactionsQuery } from '../../schemas/transactions.ts';
import {
  AccountLedgerParams,
  CreatedPartnerKeyView,
  CreatePartnerKeyBody,
  CreateTenantBody,
  KeyParams,
  OperatorLedgerPage,
  PageQuery,
  PartnerKeyList,
  PartnerKeyView,
  RevokePartnerKeyBody,
  RotatePartnerKeyBody,
  TenantParams,
  TenantView,
} from '../../schemas/admin.ts';
import { AuditExportDayView, AuditExportParams } from '../../schemas/audit-exports.ts';
import { ApplyLockBody, ApplyLockParams, LiftLockBody, LockParams, LockView } from '../../schemas/locks.ts';
import { defineRoute, type RouteDefinition } from './route-types.ts';

/*
 * Every route of the API, once. The local gateway serves this list, the OpenAPI document is
 * generated from it and the CDK stack makes one Lambda per entry; each handler imports its
 * own entry, so its validation, auth and idempotency come from here too.
 */

export const healthRoute = defineRoute({
  operationId: 'health',
  method: 'GET',
  path: '/api/v1/health',
  summary: 'Liveness check',
  auth: 'public',
  idempotent: false,
  tableAccess: 'none',
  responses: [{ status: 200, description: 'The service is up', schema: HealthView }],
  errors: [],
  handler: 'functions/api/handlers/health.ts',
});

export const getOpenApiRoute = defineRoute({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/api/v1/openapi.json',
  summary: 'This API as an OpenAPI 3.1 document',
  auth: 'public',
  idempotent: false,
  tableAccess: 'none',
  responses: [{ status: 200, description: 'The OpenAPI document' }],
  errors: [],
  handler: 'functions/api/handlers/get-openapi.ts',
});

export const putAccountRoute = defineRoute({
  operationId: 'putAccount',
  method: 'PUT',
  path: '/api/v1/accounts/{accountId}',
  summary: 'Create or update an account: linked profile, verification flags, tier',
  auth: 'partner',
  scopes: ['accounts'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: AccountPathParams, body: AccountUpsertBody },
  responses: [
    { status: 201, description: 'Account created', schema: AccountView },
    { status: 200, description: 'Account updated', schema: AccountView },
  ],
  errors: ['account_locked', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused', 'concurrent_update'],
  handler: 'functions/api/handlers/put-account.ts',
});

export const getAccountRoute = defineRoute({
  operationId: 'getAccount',
  method: 'GET',
  path: '/api/v1/accounts/{accountId}',
  summary: 'An account with its trust level, tier and partner-visible locks',
  auth: 'partner',
  scopes: ['accounts', 'read'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: AccountPathParams },
  responses: [{ status: 200, description: 'The account', schema: AccountView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/get-account.ts',
});

export const earnRoute = defineRoute({
  operationId: 'earn',
  method: 'POST',
  path: '/api/v1/earn',
  summary: 'Credit points for a purchase, a promotion or a bonus',
  auth: 'partner',
  scopes: ['earn'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { body: EarnBody },
  responses: [{ status: 201, description: 'Points credited', schema: EarnResult }],
  errors: [
    'not_found',
    'duplicate_order',
    'account_locked',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'concurrent_update',
  ],
  handler: 'functions/api/handlers/earn.ts',
});

export const redeemRoute = defineRoute({
  operationId: 'redeem',
  method: 'POST',
  path: '/api/v1/redeem',
  summary: 'Redeem points for a discount in one step',
  auth: 'partner',
  scopes: ['redeem'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { body: RedeemBody },
  responses: [{ status: 201, description: 'Points redeemed', schema: RedeemResult }],
  errors: [
    'not_found',
    'insufficient_points',
    'below_minimum_redemption',
    'account_locked',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'concurrent_update',
  ],
  handler: 'functions/api/handlers/redeem.ts',
});

export const createReversalRoute = defineRoute({
  operationId: 'createReversal',
  method: 'POST',
  path: '/api/v1/reversals',
  summary: 'Reverse points an order earned (refund or chargeback); may leave the balance negative',
  auth: 'partner',
  scopes: ['earn'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { body: ReversalBody },
  responses: [{ status: 201, description: 'Points reversed', schema: ReversalResult }],
  errors: [
    'not_found',
    'nothing_to_reverse',
    'limit_exceeded',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'concurrent_update',
  ],
  handler: 'functions/api/handlers/create-reversal.ts',
});

export const getBalanceRoute = defineRoute({
  operationId: 'getBalance',
  method: 'GET',
  path: '/api/v1/balance',
  summary: 'Balance, available points, holds, points by type and upcoming expiries',
  auth: 'partner',
  scopes: ['read'],
  idempotent: false,
  tableAccess: 'read',
  request: { query: BalanceQuery },
  responses: [{ status: 200, description: 'The balance', schema: BalanceView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/get-balance.ts',
});

export const listTransactionsRoute = defineRoute({
  operationId: 'listTransactions',
  method: 'GET',
  path: '/api/v1/transactions',
  summary: 'Ledger entries of an account, newest first, filterable, cursor-paginated',
  auth: 'partner',
  scopes: ['read'],
  idempotent: false,
  tableAccess: 'read',
  request: { query: TransactionsQuery },
  responses: [
    {
      status: 200,
      description:
        'A page of entries. Each request reads at most about 1,000 ledger entries, so a rarely matching filter may answer fewer items than limit, ' +
        'even none, with a nextCursor: fewer items than limit with a nextCursor means keep going; only an answer without nextCursor is the end. ' +
        'from and to seek (they narrow what is read), so a time window is the cheapest filter.',
      schema: TransactionsPage,
    },
  ],
  errors: ['not_found'],
  handler: 'functions/api/handlers/list-transactions.ts',
});

export const createTenantRoute = defineRoute({
  operationId: 'createTenant',
  method: 'POST',
  path: '/api/v1/admin/tenants',
  summary: 'Create a tenant with the default money rules',
  auth: 'operator',
  roles: ['platform_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  usageKeys: 'register',
  request: { body: CreateTenantBody },
  responses: [{ status: 201, description: 'Tenant created', schema: TenantView }],
  errors: ['already_exists', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/create-tenant.ts',
});

export const getTenantRoute = defineRoute({
  operationId: 'getTenant',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}',
  summary: "A tenant's configuration",
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support', 'finance'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: TenantParams },
  responses: [{ status: 200, description: 'The tenant', schema: TenantView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-tenant.ts',
});

export const createPartnerKeyRoute = defineRoute({
  operationId: 'createPartnerKey',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/keys',
  summary: 'Create a partner API key (the key is in this answer only)',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: TenantParams, body: CreatePartnerKeyBody },
  responses: [{ status: 201, description: 'Key created', schema: CreatedPartnerKeyView }],
  errors: ['not_found', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/create-partner-key.ts',
});

export const listPartnerKeysRoute = defineRoute({
  operationId: 'listPartnerKeys',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/keys',
  summary: "A tenant's partner keys (never the keys themselves), with last use, cursor-paginated",
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: TenantParams, query: PageQuery },
  responses: [{ status: 200, description: 'A page of the keys, in key id order; follow nextCursor for the rest', schema: PartnerKeyList }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/list-partner-keys.ts',
});

export const rotatePartnerKeyRoute = defineRoute({
  operationId: 'rotatePartnerKey',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/keys/{keyId}/rotate',
  summary: 'Issue a successor key; the old one keeps working for the overlap (default 24 h), then expires',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: KeyParams, body: RotatePartnerKeyBody },
  responses: [{ status: 201, description: 'Successor key created', schema: CreatedPartnerKeyView }],
  errors: ['not_found', 'concurrent_update', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/rotate-partner-key.ts',
});

export const revokePartnerKeyRoute = defineRoute({
  operationId: 'revokePartnerKey',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/keys/{keyId}/revoke',
  summary: 'Revoke a partner key (effective within the authorizer cache time, 300 s on AWS)',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: KeyParams, body: RevokePartnerKeyBody },
  responses: [{ status: 200, description: 'Key revoked', schema: PartnerKeyView }],
  errors: ['not_found', 'concurrent_update', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/revoke-partner-key.ts',
});

export const getAccountLedgerRoute = defineRoute({
  operationId: 'getAccountLedger',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/accounts/{accountId}/ledger',
  summary: "An account's full audit trail, operator-only fields included, newest first",
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin', 'support', 'finance'],
  idempotent: false,
  tableAccess: 'read',
  request: { params: AccountLedgerParams, query: PageQuery },
  responses: [{ status: 200, description: 'A page of ledger entries', schema: OperatorLedgerPage }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-account-ledger.ts',
});

const LOCK_ERRORS = [
  'not_found',
  'concurrent_update',
  'idempotency_key_missing',
  'idempotency_key_in_use',
  'idempotency_key_reused',
] as const;

export const applyLockRoute = defineRoute({
  operationId: 'applyLock',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/accounts/{accountId}/locks',
  summary: 'Lock an account for redemption, transfers or every partner change; checked inside every transaction that moves its points',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: ApplyLockParams, body: ApplyLockBody },
  responses: [{ status: 201, description: 'The lock, in force from now', schema: LockView }],
  errors: [...LOCK_ERRORS, 'limit_exceeded'],
  handler: 'functions/api/handlers/admin/apply-lock.ts',
});

export const liftLockRoute = defineRoute({
  operationId: 'liftLock',
  method: 'POST',
  path: '/api/v1/admin/tenants/{tenantId}/accounts/{accountId}/locks/{lockId}/lift',
  summary: 'Lift a lock, with the reason',
  auth: 'operator',
  roles: ['platform_admin', 'tenant_admin'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: LockParams, body: LiftLockBody },
  responses: [{ status: 200, description: 'The lock, lifted', schema: LockView }],
  errors: [...LOCK_ERRORS],
  handler: 'functions/api/handlers/admin/lift-lock.ts',
});

export const getAuditExportRoute = defineRoute({
  operationId: 'getAuditExport',
  method: 'GET',
  path: '/api/v1/admin/tenants/{tenantId}/audit-exports/{day}',
  summary: "A sealed day of a tenant's audit export: its manifest and objects, with download links valid for 5 minutes",
  auth: 'operator',
  roles: ['platform_admin', 'finance'],
  idempotent: false,
  tableAccess: 'none',
  auditExports: 'read',
  request: { params: AuditExportParams },
  responses: [{ status: 200, description: 'The sealed day', schema: AuditExportDayView }],
  errors: ['not_found'],
  handler: 'functions/api/handlers/admin/get-audit-export.ts',
});

export const routes: RouteDefinition[] = [
  healthRoute,
  getOpenApiRoute,
  putAccountRoute,
  getAccountRoute,
  earnRoute,
  redeemRoute,
  createReversalRoute,
  getBalanceRoute,
  listTransactionsRoute,
  createTenantRoute,
  getTenantRoute,
  createPartnerKeyRoute,
  listPartnerKeysRoute,
  rotatePartnerKeyRoute,
  revokePartnerKeyRoute,
  getAccountLedgerRoute,
  applyLockRoute,
  liftLockRoute,
  getAuditExportRoute,
];
