import { getTenantConfigNow } from '../../../store/tenants.ts';
import { ProblemError } from '../../http/problem.ts';
import { tenantView } from '../../../usecases/tenant-view.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { getTenantRoute } from '../../routes/admin/get-tenant.ts';

export const handler = httpHandler(getTenantRoute, async ({ tenantId }) => {
  const config = await getTenantConfigNow(tenantId);
  if (!config) throw new ProblemError('not_found', `No tenant ${tenantId}`);
  return { status: 200, body: tenantView(config) };
});
