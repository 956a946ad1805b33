import { balanceView } from '../../domain/views.ts';
import { getAccount } from '../../store/accounts.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { httpHandler } from '../http/http-handler.ts';
import { getBalanceRoute } from '../manifest.ts';
import { ProblemError } from '../http/problem.ts';

export const handler = httpHandler(getBalanceRoute, async ({ query, tenantId }) => {
  const config = await requireTenantConfig(tenantId);
  const account = await getAccount(tenantId, query.accountId);
  if (!account) throw new ProblemError('not_found', `Account ${query.accountId} does not exist`);
  return { status: 200, body: balanceView(account, new Date().toISOString(), config.timeZone) };
});
