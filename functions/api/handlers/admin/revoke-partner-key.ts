import { getApiKeyById, revokeApiKeyItem } from '../../../store/api-keys.ts';
import { partnerKeyView } from '../../../usecases/partner-keys.ts';
import { refuse } from '../../../domain/result.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { revokePartnerKeyRoute } from '../../manifest.ts';

export const handler = httpHandler(revokePartnerKeyRoute, async (request) =>
  httpAnswer(await runIdempotentWrite(commandIdentity(request), async (now) => {
    const key = await getApiKeyById(request.tenantId, request.params.keyId);
    if (!key || key.status !== 'active') return refuse('partner_key_not_found', `No live key ${request.params.keyId}`);
    const revoked = { ...key, status: 'revoked' as const, revokedAt: now, revokeReason: request.body.reason };
    return { items: [revokeApiKeyItem(key, request.body.reason, now)], result: { effect: 'updated', body: partnerKeyView(revoked) } };
  })),
);
