import { EarnBody } from '../../../schemas/earn.ts';
import { decideEarn } from '../../domain/decisions/earn.ts';
import { runIdempotentCommand } from '../../usecases/run-idempotent-command.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { httpHandler } from '../http/http-handler.ts';

export const handler = httpHandler(
  { operationId: 'earn', auth: 'partner', body: EarnBody, idempotent: true },
  async (request) => {
    const config = await requireTenantConfig(request.principal.tenantId);
    const { body } = request;
    return runIdempotentCommand({
      request,
      accountId: body.accountId,
      ...(body.source.type === 'purchase' ? { order: { sourceType: 'purchase' as const, orderId: body.source.orderId } } : {}),
      decide: (state, ctx) => decideEarn(state.account, state.order, body, config, ctx),
    });
  },
);
