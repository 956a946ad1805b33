import { RedeemBody } from '../../../schemas/redeem.ts';
import { decideRedeem } from '../../domain/decisions/redeem.ts';
import { runIdempotentCommand } from '../../usecases/run-idempotent-command.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { httpHandler } from '../http/http-handler.ts';

export const handler = httpHandler(
  { operationId: 'redeem', auth: 'partner', body: RedeemBody, idempotent: true },
  async (request) => {
    const config = await requireTenantConfig(request.principal.tenantId);
    return runIdempotentCommand({
      request,
      accountId: request.body.accountId,
      decide: (state, ctx) => decideRedeem(state.account, request.body, config, ctx),
    });
  },
);
