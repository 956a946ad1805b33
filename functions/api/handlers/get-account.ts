import { partnerAccountView } from '../../domain/views.ts';
import { getAccount } from '../../store/accounts.ts';
import { httpHandler } from '../http/http-handler.ts';
import { getAccountRoute } from '../routes/get-account.ts';
import { ProblemError } from '../http/problem.ts';

export const handler = httpHandler(getAccountRoute, async ({ params, tenantId }) => {
  const account = await getAccount(tenantId, params.accountId);
  if (!account) throw new ProblemError('not_found', `Account ${params.accountId} does not exist`);
  return { status: 200, body: partnerAccountView(account, new Date().toISOString()) };
});
