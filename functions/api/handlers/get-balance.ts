import { balanceView } from '../../domain/views.ts';
import { getAccount } from '../../store/accounts.ts';
import { readAccountWithLivePages } from '../../store/lot-pages.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { httpHandler } from '../http/http-handler.ts';
import { getBalanceRoute } from '../routes/get-balance.ts';
import { ProblemError } from '../http/problem.ts';

export const handler = httpHandler(getBalanceRoute, async ({ query, tenantId }) => {
  const config = await requireTenantConfig(tenantId);
  const now = new Date().toISOString();
  // The live pages (bounded by the longest expiry) give `byType` and `expiring` to the day.
  const account = await readAccountWithLivePages(() => getAccount(tenantId, query.accountId), now);
  if (!account) throw new ProblemError('not_found', `Account ${query.accountId} does not exist`);
  return { status: 200, body: balanceView(account, now, config.timeZone) };
});
