import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizePartnerRequest } from '../authorizer.ts';
import { logger } from '../http/observability.ts';
import { routes } from '../manifest.ts';
import { createRouteMatcher } from '../route-matcher.ts';
import type { RouteDefinition } from '../route-types.ts';

/**
 * API Gateway REQUEST authorizer for partner routes: the same `authorizePartnerRequest` the
 * local gateway calls, behind API Gateway's contract.
 *
 * Caching: API Gateway keeps each answer for 300 seconds (lib/partner-authorizer.ts), keyed by
 * the x-api-key header together with the HTTP method and resource path. The route is part of
 * the cache key because scopes differ per route: a key allowed to read must not be let into
 * earn by an answer cached for a read. The price of the cache is that a revoked key keeps
 * working for up to 300 seconds; docs/deploy.md says so.
 *
 * Outcomes: an unknown, malformed, revoked or expired key throws `Unauthorized` (API Gateway
 * answers 401); a valid key without the route's scope gets a Deny policy (403); an allowed
 * key gets an Allow policy for the route's path template with its tenant, key id and scopes
 * as context, which the route handler reads as its principal, and the tenant's usage key as
 * `usageIdentifierKey`, which API Gateway's usage plan throttles by.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const target = parseMethodArn(event.methodArn);
  const route = target && findPartnerRoute(target.method, target.path);
  if (!target || !route) {
    // Only a stack built from another manifest gets here; deny rather than guess.
    logger.error('authorizer called for a route outside the manifest', { methodArn: event.methodArn });
    return policy('unknown', 'Deny', event.methodArn);
  }
  const result = await authorizePartnerRequest(headerValue(event.headers, 'x-api-key'), route);
  if (!result.ok && result.code === 'unauthorized') {
    logger.info('partner key refused', { operationId: route.operationId, code: result.code });
    throw new Error('Unauthorized');
  }
  const resource = `${target.apiPrefix}/${route.method}${route.path.replace(/\{[^}/]+\}/g, '*')}`;
  if (!result.ok) {
    logger.info('partner key refused', { operationId: route.operationId, code: result.code });
    return policy('forbidden', 'Deny', resource);
  }
  // The REST API's API key source is AUTHORIZER: the usage plan meters and throttles the
  // tenant by this key, never by the partner's secret.
  return {
    ...policy(result.context.keyId ?? 'partner', 'Allow', resource),
    context: result.context,
    usageIdentifierKey: result.usageIdentifierKey,
  };
};

/** `arn:aws:execute-api:region:account:apiId/stage/METHOD/path...` split into its parts. */
export function parseMethodArn(methodArn: string): { apiPrefix: string; method: string; path: string } | undefined {
  const match = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\/([A-Z]+)(\/.*)?$/.exec(methodArn);
  if (!match) return undefined;
  return { apiPrefix: match[1]!, method: match[2]!, path: match[3] ?? '/' };
}

const matchRoute = createRouteMatcher(routes);

/** The partner route this method and path resolve to, by the same matcher the local gateway uses. */
export function findPartnerRoute(method: string, path: string): RouteDefinition | undefined {
  const match = matchRoute(method, path);
  return match.kind === 'found' && match.route.auth === 'partner' ? match.route : undefined;
}

function headerValue(headers: APIGatewayRequestAuthorizerEvent['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

function policy(principalId: string, effect: 'Allow' | 'Deny', resource: string): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
  };
}
