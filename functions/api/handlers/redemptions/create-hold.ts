import { placeHold } from '../../../usecases/redemptions.ts';
import { requireTenantConfig } from '../../../usecases/tenant-config.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { createHoldRoute } from '../../routes/redemptions/create-hold.ts';

export const handler = httpHandler(createHoldRoute, async (request) => {
  const config = await requireTenantConfig(request.tenantId);
  return httpAnswer(await placeHold(commandIdentity(request), request.body, config));
});
