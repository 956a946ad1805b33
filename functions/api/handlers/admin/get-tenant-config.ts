import { getTenantConfigNow } from '../../../store/tenants.ts';
import { tenantConfigView } from '../../../usecases/tenant-view.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { getTenantConfigRoute } from '../../routes/admin/get-tenant-config.ts';

export const handler = httpHandler(getTenantConfigRoute, async ({ tenantId }) => {
  const config = await getTenantConfigNow(tenantId);
  if (!config) throw new ProblemError('not_found', `No tenant ${tenantId}`);
  return { status: 200, body: tenantConfigView(config) };
});
