import { commitHold } from '../../../usecases/redemptions.ts';
import { requireTenantConfig } from '../../../usecases/tenant-config.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { commitHoldRoute } from '../../routes/redemptions/commit-hold.ts';

export const handler = httpHandler(commitHoldRoute, async (request) => {
  const config = await requireTenantConfig(request.tenantId);
  return httpAnswer(await commitHold(commandIdentity(request), request.params.redemptionId, config));
});
