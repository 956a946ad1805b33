import { accountWriteLimit } from '../../domain/tenant-config.ts';
import { decideRedeem } from '../../domain/decisions/redeem.ts';
import { runIdempotentCommand } from '../../usecases/run-idempotent-command.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { commandIdentity, httpAnswer } from '../http/command-answer.ts';
import { httpHandler } from '../http/http-handler.ts';
import { redeemRoute } from '../routes/redeem.ts';

export const handler = httpHandler(redeemRoute, async (request) => {
  const config = await requireTenantConfig(request.tenantId);
  return httpAnswer(
    await runIdempotentCommand({
      ...commandIdentity(request),
      accountIds: [request.body.accountId],
      order: { sourceType: 'redemption', orderId: request.body.orderId },
      accountWritesPerMinute: accountWriteLimit(config),
      decide: (state, ctx) => decideRedeem(state.account, state.redemptionOrder, request.body, config, ctx),
    }),
  );
});
