import { accountWriteLimit } from '../../domain/tenant-config.ts';
import { decideEarn, earnPageMonth, type EarnRequest } from '../../domain/decisions/earn.ts';
import type { TenantConfig } from '../../domain/tenant-config.ts';
import { runIdempotentCommand } from '../../usecases/run-idempotent-command.ts';
import { requireTenantConfig } from '../../usecases/tenant-config.ts';
import { commandIdentity, httpAnswer } from '../http/command-answer.ts';
import { httpHandler } from '../http/http-handler.ts';
import { earnRoute } from '../routes/earn.ts';

export const handler = httpHandler(earnRoute, async (request) => {
  const config = await requireTenantConfig(request.tenantId);
  const { body } = request;
  return httpAnswer(
    await runIdempotentCommand({
      ...commandIdentity(request),
      accountIds: [body.accountId],
      ...(body.source.type === 'purchase' ? { order: { sourceType: 'purchase' as const, orderId: body.source.orderId } } : {}),
      pages: { earliest: 0, months: creditedMonths(body, config) },
      accountWritesPerMinute: accountWriteLimit(config),
      decide: (state, ctx) => decideEarn(state.account, state.order, body, config, ctx),
    }),
  );
});

/** An earn tops up one page and spends none: that page is the only one worth reading with the account. */
function creditedMonths(request: EarnRequest, config: TenantConfig): string[] {
  const month = earnPageMonth(request, config, new Date().toISOString());
  return month ? [month] : [];
}
