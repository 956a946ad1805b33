import { rotatePartnerKey } from '../../../usecases/partner-keys.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { rotatePartnerKeyRoute } from '../../routes/admin/rotate-partner-key.ts';

export const handler = httpHandler(rotatePartnerKeyRoute, async (request) =>
  httpAnswer(
    await runIdempotentWrite(commandIdentity(request), async (now) => {
      const rotated = await rotatePartnerKey({ tenantId: request.tenantId, keyId: request.params.keyId, now, ...request.body });
      if (!rotated.ok) return rotated;
      // A replay tells what was created but never repeats the key: it was shown once.
      return { items: rotated.items, result: { effect: 'created', body: { ...rotated.view, key: rotated.key } }, replayBody: rotated.view };
    }),
  ),
);
