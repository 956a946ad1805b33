import { getApiKeyById, revokeApiKeyItem } from '../../../store/api-keys.ts';
import { partnerKeyView } from '../../../usecases/partner-keys.ts';
import { ProblemError } from '../../../usecases/problem-error.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { revokePartnerKeyRoute } from '../../manifest.ts';

export const handler = httpHandler(revokePartnerKeyRoute, async (request) =>
  runIdempotentWrite(request, async (now) => {
    const key = await getApiKeyById(request.tenantId, request.params.keyId);
    if (!key || key.status !== 'active') throw new ProblemError('not_found', `No live key ${request.params.keyId}`);
    const revoked = { ...key, status: 'revoked' as const, revokedAt: now, revokeReason: request.body.reason };
    return { items: [revokeApiKeyItem(key, request.body.reason, now)], response: { status: 200, body: partnerKeyView(revoked) } };
  }),
);
