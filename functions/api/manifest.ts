import { healthRoute } from './routes/health.ts';
import { getOpenApiRoute } from './routes/get-openapi.ts';
import { putAccountRoute } from './routes/put-account.ts';
import { getAccountRoute } from './routes/get-account.ts';
import { earnRoute } from './routes/earn.ts';
import { redeemRoute } from './routes/redeem.ts';
import { createReversalRoute } from './routes/create-reversal.ts';
import { quoteRedemptionRoute } from './routes/redemptions/quote.ts';
import { createHoldRoute } from './routes/redemptions/create-hold.ts';
import { commitHoldRoute } from './routes/redemptions/commit-hold.ts';
import { releaseHoldRoute } from './routes/redemptions/release-hold.ts';
import { getRedemptionRoute } from './routes/redemptions/get-redemption.ts';
import { getBalanceRoute } from './routes/get-balance.ts';
import { listTransactionsRoute } from './routes/list-transactions.ts';
import { createTenantRoute } from './routes/admin/create-tenant.ts';
import { getTenantRoute } from './routes/admin/get-tenant.ts';
import { getTenantConfigRoute } from './routes/admin/get-tenant-config.ts';
import { putTenantConfigRoute } from './routes/admin/put-tenant-config.ts';
import { createPartnerKeyRoute } from './routes/admin/create-partner-key.ts';
import { listPartnerKeysRoute } from './routes/admin/list-partner-keys.ts';
import { rotatePartnerKeyRoute } from './routes/admin/rotate-partner-key.ts';
import { revokePartnerKeyRoute } from './routes/admin/revoke-partner-key.ts';
import { getAccountLedgerRoute } from './routes/admin/get-account-ledger.ts';
import { applyLockRoute } from './routes/admin/apply-lock.ts';
import { liftLockRoute } from './routes/admin/lift-lock.ts';
import { getAuditExportRoute } from './routes/admin/get-audit-export.ts';
import { createAdjustmentRoute } from './routes/admin/create-adjustment.ts';
import { listApprovalsRoute } from './routes/admin/list-approvals.ts';
import { getApprovalRoute } from './routes/admin/get-approval.ts';
import { approveApprovalRoute } from './routes/admin/approve-approval.ts';
import { rejectApprovalRoute } from './routes/admin/reject-approval.ts';
import { getLiabilityReportRoute } from './routes/admin/get-liability-report.ts';
import { getDailyReportRoute } from './routes/admin/get-daily-report.ts';
import type { RouteDefinition } from './route-types.ts';

/*
 * Every route of the API, once. The local gateway serves this list, the OpenAPI document is
 * generated from it and the CDK stack makes one Lambda per entry. Each route is its own module
 * under routes/ (same path as its handler under handlers/), and each handler imports its own
 * route from there, so its validation, auth and idempotency come from its entry while its
 * bundle holds no other route's schemas (test/infra/bundle-contents.test.ts).
 */

export const routes: RouteDefinition[] = [
  healthRoute,
  getOpenApiRoute,
  putAccountRoute,
  getAccountRoute,
  earnRoute,
  redeemRoute,
  quoteRedemptionRoute,
  createHoldRoute,
  commitHoldRoute,
  releaseHoldRoute,
  getRedemptionRoute,
  createReversalRoute,
  getBalanceRoute,
  listTransactionsRoute,
  createTenantRoute,
  getTenantRoute,
  getTenantConfigRoute,
  putTenantConfigRoute,
  createPartnerKeyRoute,
  listPartnerKeysRoute,
  rotatePartnerKeyRoute,
  revokePartnerKeyRoute,
  getAccountLedgerRoute,
  applyLockRoute,
  liftLockRoute,
  getAuditExportRoute,
  createAdjustmentRoute,
  listApprovalsRoute,
  getApprovalRoute,
  approveApprovalRoute,
  rejectApprovalRoute,
  getLiabilityReportRoute,
  getDailyReportRoute,
];
