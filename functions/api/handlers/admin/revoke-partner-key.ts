import { revokePartnerKey } from '../../../usecases/partner-keys.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { revokePartnerKeyRoute } from '../../manifest.ts';

export const handler = httpHandler(revokePartnerKeyRoute, async (request) =>
  runIdempotentWrite(request, async (now) => {
    const { items, view } = await revokePartnerKey({ tenantId: request.tenantId, keyId: request.params.keyId, reason: request.body.reason, now });
    return { items, response: { status: 200, body: view } };
  }),
);
