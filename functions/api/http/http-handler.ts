import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ZodMiniType } from 'zod/mini';
import { keyedHash } from '../../security/keyed-hash.ts';
import { logger } from './observability.ts';
import { headerValue, idempotencyKeyOf, parseJsonBody, singleQueryParams, validate } from './parse-request.ts';
import { partnerPrincipal, type PartnerPrincipal } from './principal.ts';
import { ProblemError, problemResponse } from './problem.ts';

export interface HttpResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface HandlerSpec<B, Q, P> {
  operationId: string;
  auth: 'public' | 'partner';
  body?: ZodMiniType<B>;
  query?: ZodMiniType<Q>;
  params?: ZodMiniType<P>;
  idempotent?: boolean;
}

export interface ParsedRequest<B, Q, P> {
  operationId: string;
  requestId: string;
  body: B;
  query: Q;
  params: P;
  principal: PartnerPrincipal;
  idempotencyKey: string;
  clientMeta: { ipHash?: string; deviceHash?: string };
}

export function jsonResponse(result: HttpResult): APIGatewayProxyResult {
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...result.headers },
    body: JSON.stringify(result.body),
  };
}

function clientMetaOf(event: APIGatewayProxyEvent, deviceId: string | undefined) {
  const ip = event.requestContext.identity?.sourceIp;
  return {
    ...(ip ? { ipHash: keyedHash('ip', ip) } : {}),
    ...(deviceId ? { deviceHash: keyedHash('device', deviceId) } : {}),
  };
}

/**
 * The one handler chain every HTTP function uses: validate what the route declares, call the
 * use case, answer JSON; any refusal becomes problem+json and anything unexpected a 500 that
 * reveals nothing.
 */
export function httpHandler<B = undefined, Q = undefined, P = undefined>(
  spec: HandlerSpec<B, Q, P>,
  impl: (request: ParsedRequest<B, Q, P>) => Promise<HttpResult>,
) {
  const base = async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    const requestId = event.requestContext.requestId;
    try {
      const principal = partnerPrincipal(event);
      if (spec.auth === 'partner' && !principal) throw new ProblemError('unauthorized', 'Send a valid x-api-key header');
      const idempotencyKey = spec.idempotent ? idempotencyKeyOf(event) : '';
      const params = spec.params ? validate(spec.params, event.pathParameters ?? {}, 'path') : (undefined as P);
      const query = spec.query ? validate(spec.query, singleQueryParams(event), 'query') : (undefined as Q);
      const body = spec.body ? validate(spec.body, parseJsonBody(event), 'body') : (undefined as B);
      const deviceId = headerValue(event, 'x-device-id');
      const result = await impl({
        operationId: spec.operationId,
        requestId,
        body,
        query,
        params,
        principal: principal ?? { tenantId: '', keyId: '', scopes: [] },
        idempotencyKey,
        clientMeta: clientMetaOf(event, deviceId?.slice(0, 256)),
      });
      return jsonResponse(result);
    } catch (error) {
      if (error instanceof ProblemError) {
        logger.info('refused', { operationId: spec.operationId, code: error.code });
        return problemResponse(error.code, error.detail, requestId, error.extra, error.headers);
      }
      logger.error('unhandled error', { operationId: spec.operationId, error: error as Error });
      return problemResponse('internal_error', 'Something went wrong on our side; the request may be retried', requestId);
    }
  };
  return middy(base).use(injectLambdaContext(logger));
}
