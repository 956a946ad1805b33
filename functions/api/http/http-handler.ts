import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Actor } from '../../domain/types.ts';
import { keyedHash } from '../../security/keyed-hash.ts';
import { isDependencyUnavailable } from '../../store/dependency-errors.ts';
import type { BodyOf, ParamsOf, QueryOf, RouteDefinition } from '../route-types.ts';
import { tenantInScope } from './access.ts';
import { logger } from './observability.ts';
import { headerValue, idempotencyKeyOf, parseJsonBody, singleQueryParams, validate } from './parse-request.ts';
import { actorOf, operatorPrincipal, partnerPrincipal, type Principal } from './principal.ts';
import { Refused } from '../../usecases/refused.ts';
import { REFUSAL_TABLE } from '../refusal-table.ts';
import { ProblemError, problemResponse } from './problem.ts';

export interface HttpResult {
  status: number;
  body?: unknown;
  /** The body as exact JSON text (a command's stored answer), sent as is. */
  bodyJson?: string;
  headers?: Record<string, string>;
}

export interface ParsedRequest<B, Q, P> {
  operationId: string;
  requestId: string;
  body: B;
  query: Q;
  params: P;
  /** Who is calling; absent only on public routes. */
  principal?: Principal;
  /** The tenant the request acts on, after the access checks ('' on public routes). */
  tenantId: string;
  actor: Actor;
  idempotencyKey: string;
  clientMeta: { ipHash?: string; deviceHash?: string };
  /** Milliseconds left before the function is cut off (the Lambda context's clock). */
  remainingMs: () => number;
}

export type RequestFor<R extends RouteDefinition> = ParsedRequest<BodyOf<R>, QueryOf<R>, ParamsOf<R>>;

export function jsonResponse(result: HttpResult): APIGatewayProxyResult {
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...result.headers },
    body: result.bodyJson ?? JSON.stringify(result.body),
  };
}

function clientMetaOf(event: APIGatewayProxyEvent) {
  const ip = event.requestContext.identity?.sourceIp;
  const deviceId = headerValue(event, 'x-device-id')?.slice(0, 256);
  return {
    ...(ip ? { ipHash: keyedHash('ip', ip) } : {}),
    ...(deviceId ? { deviceHash: keyedHash('device', deviceId) } : {}),
  };
}

function principalOf(route: RouteDefinition, event: APIGatewayProxyEvent): Principal | undefined {
  if (route.auth === 'partner') return partnerPrincipal(event);
  if (route.auth === 'operator') return operatorPrincipal(event);
  return undefined;
}

/**
 * The one handler chain every HTTP function uses, driven by the route's manifest entry:
 * check the caller against its scopes or roles, validate what it declares, call the use case,
 * answer JSON. Any refusal becomes problem+json; anything unexpected a 500 revealing nothing.
 */
export function httpHandler<R extends RouteDefinition>(route: R, impl: (request: RequestFor<R>) => Promise<HttpResult>) {
  const base = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const requestId = event.requestContext.requestId;
    try {
      const principal = principalOf(route, event);
      if (route.auth !== 'public' && !principal) tenantInScope(route, principal, undefined);
      const params = route.request?.params ? validate(route.request.params, event.pathParameters ?? {}, 'path') : undefined;
      const tenantId = tenantInScope(route, principal, params);
      const idempotencyKey = route.idempotent ? idempotencyKeyOf(event) : '';
      const query = route.request?.query ? validate(route.request.query, singleQueryParams(event), 'query') : undefined;
      const body = route.request?.body ? validate(route.request.body, parseJsonBody(event), 'body') : undefined;
      const result = await impl({
        operationId: route.operationId,
        requestId,
        body: body as BodyOf<R>,
        query: query as QueryOf<R>,
        params: params as ParamsOf<R>,
        ...(principal ? { principal } : {}),
        tenantId,
        actor: principal ? actorOf(principal) : { kind: 'system', id: 'public' },
        idempotencyKey,
        clientMeta: clientMetaOf(event),
        remainingMs: () => context.getRemainingTimeInMillis(),
      });
      return jsonResponse(result);
    } catch (error) {
      if (error instanceof ProblemError) {
        logger.info('refused', { operationId: route.operationId, code: error.code, ...(error.rule ? { rule: error.rule } : {}) });
        return problemResponse(error.code, error.detail, requestId, error.extra, error.headers);
      }
      if (error instanceof Refused) {
        const { code, detail, extra } = error.refusal;
        logger.info('refused', { operationId: route.operationId, code: REFUSAL_TABLE[code], rule: code });
        return problemResponse(REFUSAL_TABLE[code], detail, requestId, extra);
      }
      if (isDependencyUnavailable(error)) {
        logger.warn('database unavailable', { operationId: route.operationId, error: error as Error });
        return problemResponse(
          'service_unavailable',
          'The database is unavailable right now; retry with the same Idempotency-Key',
          requestId,
          {},
          {
            'retry-after': '1',
          },
        );
      }
      logger.error('unhandled error', { operationId: route.operationId, error: error as Error });
      return problemResponse('internal_error', 'Something went wrong on our side; the request may be retried', requestId);
    }
  };
  return middy(base).use(injectLambdaContext(logger));
}
