import { LiftLockBody, LockParams, LockView } from '../../../../schemas/locks.ts';
import { defineRoute } from '../../route-types.ts';

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
  // The lock routes' common errors (apply-lock.ts has the same list and the lock limit).
  errors: ['not_found', 'concurrent_update', 'idempotency_key_missing', 'idempotency_key_in_use', 'idempotency_key_reused'],
  handler: 'functions/api/handlers/admin/lift-lock.ts',
});
