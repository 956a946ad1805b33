import { getTenantConfigNow } from '../../../store/tenants.ts';
import { dailyReport } from '../../../usecases/reports.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { getDailyReportRoute } from '../../routes/admin/get-daily-report.ts';

export const handler = httpHandler(getDailyReportRoute, async ({ tenantId, query }) => {
  if (!(await getTenantConfigNow(tenantId))) throw new ProblemError('not_found', `No tenant ${tenantId}`);
  return { status: 200, body: await dailyReport(tenantId, query.from, query.to) };
});
