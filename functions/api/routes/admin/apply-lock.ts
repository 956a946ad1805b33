import { ApplyLockBody, ApplyLockParams, LockView } from '../../../../schemas/locks.ts';
import { defineRoute } from '../../route-types.ts';

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
  // The lock routes' common errors (lift-lock.ts has the same list) and the lock limit.
  errors: [
    'not_found',
    'concurrent_update',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'limit_exceeded',
  ],
  handler: 'functions/api/handlers/admin/apply-lock.ts',
});
