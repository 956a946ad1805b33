import { refuse } from '../../../domain/result.ts';
import { getTenantConfigNow } from '../../../store/tenants.ts';
import { createPartnerKey } from '../../../usecases/partner-keys.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { createPartnerKeyRoute } from '../../routes/admin/create-partner-key.ts';

export const handler = httpHandler(createPartnerKeyRoute, async (request) =>
  httpAnswer(
    await runIdempotentWrite(commandIdentity(request), async (now) => {
      if (!(await getTenantConfigNow(request.tenantId))) return refuse('tenant_not_found', `No tenant ${request.tenantId}`);
      const created = createPartnerKey({ tenantId: request.tenantId, now, ...request.body });
      if (!created.ok) return created;
      // A replay tells what was created but never repeats the key: it was shown once.
      return { items: created.items, result: { effect: 'created', body: { ...created.view, key: created.key } }, replayBody: created.view };
    }),
  ),
);
