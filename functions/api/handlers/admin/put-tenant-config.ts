import { OCCURRED_AT_WINDOW } from '../../../domain/decisions/earn.ts';
import { refuse } from '../../../domain/result.ts';
import { CONFIG_SECTIONS, withNewVersion } from '../../../domain/tenant-config.ts';
import { forgetTenantConfig, getTenantConfigRevision, tenantConfigUpdate } from '../../../store/tenants.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { configProblem } from '../../../usecases/tenant-config-checks.ts';
import { tenantConfigView } from '../../../usecases/tenant-view.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { putTenantConfigRoute } from '../../routes/admin/put-tenant-config.ts';

export const handler = httpHandler(putTenantConfigRoute, async (request) => {
  const change = request.body;
  if (!CONFIG_SECTIONS.some((section) => change[section] !== undefined)) {
    throw new ProblemError('validation_error', `Name at least one section to change: ${CONFIG_SECTIONS.join(', ')}`);
  }
  const { tenantId } = request.params;
  const actor = request.actor;
  const answer = await runIdempotentWrite(commandIdentity(request), async (now) => {
    const stored = await getTenantConfigRevision(tenantId);
    if (!stored) return refuse('tenant_not_found', `No tenant ${tenantId}`);
    // Versions superseded longer ago than the oldest event earn still takes may be dropped.
    const made = withNewVersion(stored.config, change, now, OCCURRED_AT_WINDOW.maxAgeMs, {
      id: actor.id,
      ...('role' in actor ? { role: actor.role } : {}),
    });
    if (!made.ok) return refuse(made.code, made.message);
    const problem = configProblem(made.config, made.version);
    if (problem) return problem;
    return {
      items: [tenantConfigUpdate(made.config, stored.revision)],
      result: { effect: 'created', body: { ...tenantConfigView(made.config, now), created: made.version } },
    };
  });
  forgetTenantConfig(tenantId);
  return httpAnswer(answer);
});
