import { withTierInForce } from '../../domain/tier-in-force.ts';
import { partnerAccountView } from '../../domain/views.ts';
import { getAccount } from '../../store/accounts.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { httpHandler } from '../http/http-handler.ts';
import { getAccountRoute } from '../routes/get-account.ts';
import { ProblemError } from '../http/problem.ts';

export const handler = httpHandler(getAccountRoute, async ({ params, tenantId }) => {
  const [account, config] = await Promise.all([getAccount(tenantId, params.accountId), requireTenantConfig(tenantId)]);
  if (!account) throw new ProblemError('not_found', `Account ${params.accountId} does not exist`);
  const now = new Date().toISOString();
  // The tier in force: lower than the stored one when a period end has passed without a write since.
  return { status: 200, body: partnerAccountView(withTierInForce(account, config, now), now) };
});
