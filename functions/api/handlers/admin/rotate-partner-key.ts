import { rotatePartnerKey } from '../../../usecases/partner-keys.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { rotatePartnerKeyRoute } from '../../manifest.ts';

export const handler = httpHandler(rotatePartnerKeyRoute, async (request) =>
  runIdempotentWrite(request, async (now) => {
    const { key, items, view } = await rotatePartnerKey({ tenantId: request.tenantId, keyId: request.params.keyId, now, ...request.body });
    return { items, response: { status: 201, body: { ...view, key } }, replayBody: view };
  }),
);
