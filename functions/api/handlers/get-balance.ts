import { BalanceQuery } from '../../../schemas/balance.ts';
import { balanceView } from '../../domain/views.ts';
import { getAccount } from '../../store/accounts.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { httpHandler } from '../http/http-handler.ts';
import { ProblemError } from '../http/problem.ts';

export const handler = httpHandler(
  { operationId: 'getBalance', auth: 'partner', query: BalanceQuery },
  async ({ query, principal }) => {
    const config = await requireTenantConfig(principal.tenantId);
    const account = await getAccount(principal.tenantId, query.accountId);
    if (!account) throw new ProblemError('not_found', `Account ${query.accountId} does not exist`);
    return { status: 200, body: balanceView(account, new Date().toISOString(), config.timeZone) };
  },
);
