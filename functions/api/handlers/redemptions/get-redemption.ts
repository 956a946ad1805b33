import { partnerRedemptionView } from '../../../domain/redemptions.ts';
import { getRedemption } from '../../../store/redemptions.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { getRedemptionRoute } from '../../routes/redemptions/get-redemption.ts';

export const handler = httpHandler(getRedemptionRoute, async ({ tenantId, params }) => {
  const hold = await getRedemption(tenantId, params.redemptionId);
  if (!hold) throw new ProblemError('not_found', `No redemption ${params.redemptionId}`);
  return { status: 200, body: partnerRedemptionView(hold, new Date().toISOString()) };
});
