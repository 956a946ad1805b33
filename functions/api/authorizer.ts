import { getApiKeyByHash, touchApiKeyLastUsed } from '../store/api-keys.ts';
import { partnerKeyHash, PARTNER_KEY_PATTERN } from '../security/partner-keys.ts';
import { principalToContext } from './http/principal.ts';
import type { RouteDefinition } from './route-types.ts';

export type AuthorizeResult = { ok: true; context: Record<string, string> } | { ok: false; code: 'unauthorized' | 'forbidden' };

/**
 * Resolves a partner key to its tenant and scopes and checks the route's scopes. The local
 * gateway calls this for every partner route; on AWS the Lambda authorizer runs the same code.
 */
export async function authorizePartnerRequest(
  apiKey: string | undefined,
  route: Pick<RouteDefinition, 'scopes'>,
  now: Date = new Date(),
): Promise<AuthorizeResult> {
  if (!apiKey || !PARTNER_KEY_PATTERN.test(apiKey)) return { ok: false, code: 'unauthorized' };
  const record = await getApiKeyByHash(partnerKeyHash(apiKey));
  if (!record || record.status !== 'active') return { ok: false, code: 'unauthorized' };
  if (record.expiresAt && Date.parse(record.expiresAt) <= now.getTime()) return { ok: false, code: 'unauthorized' };
  const needed = route.scopes ?? [];
  if (needed.length > 0 && !needed.some((scope) => record.scopes.includes(scope))) {
    return { ok: false, code: 'forbidden' };
  }
  await touchApiKeyLastUsed(record.keyHash, now);
  return { ok: true, context: principalToContext({ tenantId: record.tenantId, keyId: record.keyId, scopes: record.scopes }) };
}
