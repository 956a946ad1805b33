import { decideReversal } from '../../domain/decisions/reversal.ts';
import { runIdempotentCommand } from '../../usecases/run-idempotent-command.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { commandIdentity, httpAnswer } from '../http/command-answer.ts';
import { httpHandler } from '../http/http-handler.ts';
import { createReversalRoute } from '../routes/create-reversal.ts';

export const handler = httpHandler(createReversalRoute, async (request) => {
  const { body } = request;
  // Tiers: the reversal settles the tier and takes the points out of the qualifying window.
  const config = await requireTenantConfig(request.tenantId);
  return httpAnswer(
    await runIdempotentCommand({
      ...commandIdentity(request),
      accountIds: [body.accountId],
      order: { sourceType: 'purchase', orderId: body.orderId },
      decide: (state, ctx) => decideReversal(state.account, state.order, body, config, ctx),
    }),
  );
});
