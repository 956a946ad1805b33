import { revokePartnerKey } from '../../../usecases/partner-keys.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { revokePartnerKeyRoute } from '../../routes/admin/revoke-partner-key.ts';

export const handler = httpHandler(revokePartnerKeyRoute, async (request) =>
  httpAnswer(
    await runIdempotentWrite(commandIdentity(request), async (now) => {
      const revoked = await revokePartnerKey({ tenantId: request.tenantId, keyId: request.params.keyId, reason: request.body.reason, now });
      if (!revoked.ok) return revoked;
      return { items: revoked.items, result: { effect: 'updated', body: revoked.view } };
    }),
  ),
);
