import { usagePlanNames } from '../../../config/usage-plans.ts';
import { refuse } from '../../../domain/result.ts';
import { defaultTenantConfig, withSections } from '../../../domain/tenant-config.ts';
import { newUsageKeyValue } from '../../../security/usage-keys.ts';
import { getTenantConfigNow, newTenantItem } from '../../../store/tenants.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { configProblem } from '../../../usecases/tenant-config-checks.ts';
import { tenantView } from '../../../usecases/tenant-view.ts';
import { usageKeyRegistry } from '../../../usecases/usage-key-registry.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { createTenantRoute } from '../../routes/admin/create-tenant.ts';

const usageKeys = usageKeyRegistry(usagePlanNames);

export const handler = httpHandler(createTenantRoute, async (request) =>
  httpAnswer(
    await runIdempotentWrite(commandIdentity(request), async () => {
      const { tenantId, displayName, timeZone, approvals, config: sections, plan = 'standard' } = request.body;
      if (await getTenantConfigNow(tenantId)) return refuse('tenant_already_exists', `Tenant ${tenantId} already exists`);
      // Rules apply from the epoch so events dated before the tenant existed still price.
      const defaults = defaultTenantConfig(tenantId, displayName, '1970-01-01T00:00:00.000Z');
      const config = {
        ...defaults,
        ...(timeZone ? { timeZone } : {}),
        // No function has read a tenant that does not exist yet: its first version may start at once.
        versions: defaults.versions.map((version) => withSections({ ...version, ...(approvals ? { approvals } : {}) }, sections ?? {})),
      };
      const problem = configProblem(config, config.versions[0]!);
      if (problem) return problem;
      // The tenant's usage key is on its API Gateway usage plan before the tenant exists, so its
      // first partner request is metered. If the commit then fails, the API Gateway key is left
      // over unused (no authorizer ever returns its value); a retry registers a fresh one.
      const usage = { plan, usageKeyValue: newUsageKeyValue() };
      await usageKeys.register({ tenantId, ...usage });
      return { items: [newTenantItem(config, usage)], result: { effect: 'created', body: tenantView(config) } };
    }),
  ),
);
