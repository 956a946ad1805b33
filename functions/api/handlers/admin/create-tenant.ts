import { defaultTenantConfig } from '../../../domain/tenant-config.ts';
import { newTenantItem, getTenantConfigNow } from '../../../store/tenants.ts';
import { refuse } from '../../../domain/result.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { tenantView } from '../../../usecases/tenant-view.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { createTenantRoute } from '../../manifest.ts';

export const handler = httpHandler(createTenantRoute, async (request) =>
  httpAnswer(await runIdempotentWrite(commandIdentity(request), async () => {
    const { tenantId, displayName, timeZone } = request.body;
    if (await getTenantConfigNow(tenantId)) return refuse('tenant_already_exists', `Tenant ${tenantId} already exists`);
    // Rules apply from the epoch so events dated before the tenant existed still price.
    const config = { ...defaultTenantConfig(tenantId, displayName, '1970-01-01T00:00:00.000Z'), ...(timeZone ? { timeZone } : {}) };
    return { items: [newTenantItem(config)], result: { effect: 'created', body: tenantView(config) } };
  })),
);
