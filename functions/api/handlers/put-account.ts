import { accountWriteLimit } from '../../domain/tenant-config.ts';
import { decideAccountUpsert } from '../../domain/decisions/account-upsert.ts';
import { runIdempotentCommand } from '../../usecases/run-idempotent-command.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { commandIdentity, httpAnswer } from '../http/command-answer.ts';
import { httpHandler } from '../http/http-handler.ts';
import { putAccountRoute } from '../routes/put-account.ts';

export const handler = httpHandler(putAccountRoute, async (request) => {
  const config = await requireTenantConfig(request.tenantId);
  const accountId = request.params.accountId;
  return httpAnswer(
    await runIdempotentCommand({
      ...commandIdentity(request),
      accountIds: [accountId],
      // A profile change touches no lots.
      pages: { earliest: 0, months: [] },
      accountWritesPerMinute: accountWriteLimit(config),
      decide: (state, ctx) => decideAccountUpsert(state.account, { accountId, ...request.body }, config, ctx),
    }),
  );
});
