import { getApiKeyByHash, touchApiKeyLastUsed } from '../store/api-keys.ts';
import { getTenantUsage } from '../store/tenants.ts';
import { partnerKeyHash, PARTNER_KEY_PATTERN } from '../security/partner-keys.ts';
import { principalToContext } from './http/principal.ts';
import type { RouteDefinition } from './route-types.ts';

/**
 * `usageIdentifierKey` is the tenant's usage key (functions/security/usage-keys.ts): the API
 * key API Gateway meters and throttles by (key source AUTHORIZER), and the local gateway's
 * throttle key; `usagePlan` is its plan.
 */
export type AuthorizeResult =
  | { ok: true; context: Record<string, string>; usageIdentifierKey: string; usagePlan: string }
  | { ok: false; code: 'unauthorized' | 'forbidden' };

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
  if (record?.status !== 'active') return { ok: false, code: 'unauthorized' };
  if (record.expiresAt && Date.parse(record.expiresAt) <= now.getTime()) return { ok: false, code: 'unauthorized' };
  const needed = route.scopes ?? [];
  if (needed.length > 0 && !needed.some((scope) => record.scopes.includes(scope))) {
    return { ok: false, code: 'forbidden' };
  }
  // A tenant without a usage key is on no usage plan: API Gateway would refuse it (403), so refuse it here too.
  const usage = await getTenantUsage(record.tenantId);
  if (!usage) return { ok: false, code: 'forbidden' };
  await touchApiKeyLastUsed(record.keyHash, now);
  return {
    ok: true,
    context: principalToContext({ tenantId: record.tenantId, keyId: record.keyId, scopes: record.scopes }),
    usageIdentifierKey: usage.usageKeyValue,
    usagePlan: usage.plan,
  };
}
