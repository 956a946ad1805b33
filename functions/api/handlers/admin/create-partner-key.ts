import { getTenantConfigNow } from '../../../store/tenants.ts';
import { createPartnerKey } from '../../../usecases/partner-keys.ts';
import { ProblemError } from '../../../usecases/problem-error.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { createPartnerKeyRoute } from '../../manifest.ts';

export const handler = httpHandler(createPartnerKeyRoute, async (request) =>
  runIdempotentWrite(request, async (now) => {
    if (!(await getTenantConfigNow(request.tenantId))) throw new ProblemError('not_found', `No tenant ${request.tenantId}`);
    const { key, items, view } = createPartnerKey({ tenantId: request.tenantId, now, ...request.body });
    // A replay tells what was created but never repeats the key: it was shown once.
    return { items, response: { status: 201, body: { ...view, key } }, replayBody: view };
  }),
);
