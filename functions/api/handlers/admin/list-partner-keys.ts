import { listApiKeys } from '../../../store/api-keys.ts';
import { getTenantConfigNow } from '../../../store/tenants.ts';
import { partnerKeyView } from '../../../usecases/partner-keys.ts';
import { ProblemError } from '../../http/problem.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { listPartnerKeysRoute } from '../../manifest.ts';

export const handler = httpHandler(listPartnerKeysRoute, async ({ tenantId }) => {
  if (!(await getTenantConfigNow(tenantId))) throw new ProblemError('not_found', `No tenant ${tenantId}`);
  return { status: 200, body: { items: (await listApiKeys(tenantId)).map(partnerKeyView) } };
});
