import type { GatewayOptions } from '../../local/gateway.ts';

type PartnerAuthorizer = GatewayOptions['authorizePartner'];

/**
 * API Gateway keeps a partner authorizer's Allow for 300 s, keyed by the key and the route
 * (functions/api/handlers/authorize-partner.ts); the local gateway asks on every request. A
 * test that takes the database away mid-workload needs AWS's behaviour: requests of a warm
 * key still reach the handler, whose answer to the outage is what is under test.
 */
export function cacheAllowedAnswers(authorize: PartnerAuthorizer): PartnerAuthorizer {
  const allowed = new Map<string, Awaited<ReturnType<PartnerAuthorizer>>>();
  return async (apiKey, route) => {
    const cacheKey = `${apiKey} ${route.method} ${route.path}`;
    const cached = allowed.get(cacheKey);
    if (cached) return cached;
    const answer = await authorize(apiKey, route);
    if (answer.ok) allowed.set(cacheKey, answer);
    return answer;
  };
}
