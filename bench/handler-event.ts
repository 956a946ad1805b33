import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The REST proxy event API Gateway hands a route's Lambda once the partner authorizer has
 * allowed the key: only what the handler chain reads. Invoking the handler with it measures
 * the function itself, without HTTP or the authorizer.
 */
export function partnerEvent(input: {
  tenantId: string;
  keyId: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
}): APIGatewayProxyEvent {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (input.idempotencyKey) headers['idempotency-key'] = input.idempotencyKey;
  return {
    resource: input.path,
    path: input.path,
    httpMethod: input.method,
    headers,
    multiValueHeaders: {},
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: input.query ? Object.fromEntries(Object.entries(input.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body: input.body === undefined ? null : JSON.stringify(input.body),
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      authorizer: { tenantId: input.tenantId, keyId: input.keyId, scopes: 'accounts,earn,redeem,read' },
      identity: { sourceIp: '127.0.0.1' },
    },
  } as unknown as APIGatewayProxyEvent;
}

/** Links a consumer account (`PUT /api/v1/accounts/{accountId}`): what every bench seeds first. */
export function putAccountEvent(who: { tenantId: string; keyId: string }, accountId: string, idempotencyKey: string): APIGatewayProxyEvent {
  return partnerEvent({
    ...who,
    method: 'PUT',
    path: `/api/v1/accounts/${accountId}`,
    pathParameters: { accountId },
    body: { profile: { profileId: `p-${accountId}`, role: 'CONSUMER' } },
    idempotencyKey,
  });
}
