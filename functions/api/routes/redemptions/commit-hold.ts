import { CommitResult, RedemptionParams } from '../../../../schemas/redemptions.ts';
import { defineRoute } from '../../route-types.ts';

export const commitHoldRoute = defineRoute({
  operationId: 'commitRedemption',
  method: 'POST',
  path: '/api/v1/redemptions/{redemptionId}/commit',
  summary: 'Spend the held points (no body): one REDEEM entry, priced when the hold was made',
  auth: 'partner',
  scopes: ['redeem'],
  idempotent: true,
  tableAccess: 'readwrite',
  request: { params: RedemptionParams },
  responses: [{ status: 200, description: 'Committed', schema: CommitResult }],
  errors: [
    'not_found',
    'redemption_not_held',
    'account_locked',
    'rate_limited',
    'idempotency_key_missing',
    'idempotency_key_in_use',
    'idempotency_key_reused',
    'concurrent_update',
  ],
  handler: 'functions/api/handlers/redemptions/commit-hold.ts',
});
