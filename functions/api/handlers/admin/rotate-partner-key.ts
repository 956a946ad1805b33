import { expireApiKeyItem, getApiKeyById } from '../../../store/api-keys.ts';
import { issuePartnerKey, partnerKeyView } from '../../../usecases/partner-keys.ts';
import { refuse } from '../../../domain/result.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { rotatePartnerKeyRoute } from '../../manifest.ts';

const DEFAULT_OVERLAP_SECONDS = 86_400;

export const handler = httpHandler(rotatePartnerKeyRoute, async (request) =>
  httpAnswer(await runIdempotentWrite(commandIdentity(request), async (now) => {
    const old = await getApiKeyById(request.tenantId, request.params.keyId);
    if (!old || old.status !== 'active' || (old.expiresAt && old.expiresAt <= now)) {
      return refuse('partner_key_not_found', `No live key ${request.params.keyId}`);
    }
    const overlapEnds = new Date(Date.parse(now) + (request.body.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000).toISOString();
    const successor = issuePartnerKey({
      tenantId: request.tenantId,
      scopes: old.scopes,
      now,
      ...(old.label ? { label: old.label } : {}),
    });
    const shortens = !old.expiresAt || old.expiresAt > overlapEnds;
    const view = { ...partnerKeyView(successor.record), replaces: { keyId: old.keyId, expiresAt: shortens ? overlapEnds : old.expiresAt } };
    return {
      items: [...successor.items, ...(shortens ? [expireApiKeyItem(old, overlapEnds)] : [])],
      result: { effect: 'created', body: { ...view, key: successor.key } },
      replayBody: view,
    };
  })),
);
