import { getTenantConfigNow } from '../../../store/tenants.ts';
import { liabilityReport } from '../../../usecases/reports.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { getLiabilityReportRoute } from '../../routes/admin/get-liability-report.ts';

export const handler = httpHandler(getLiabilityReportRoute, async ({ tenantId }) => {
  const config = await getTenantConfigNow(tenantId);
  if (!config) throw new ProblemError('not_found', `No tenant ${tenantId}`);
  return { status: 200, body: await liabilityReport(config) };
});
