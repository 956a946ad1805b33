import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import { isDependencyUnavailable } from '../functions/store/dependency-errors.ts';
import { createKeyRateLimiter, type KeyRateLimit } from './gateway/key-rate-limit.ts';
import { asInvocation, localInvokeStore } from './gateway/invoke-store.ts';
import { localLambdaContext } from './gateway/lambda-context.ts';
import { createRouteMatcher, methodNotAllowed } from '../functions/api/route-matcher.ts';
import { writeProblem, writeRawProblem } from './gateway/problem.ts';
import { collectHeaders, headerOf, toProxyEvent } from './gateway/proxy-event.ts';
import { readBody } from './gateway/read-body.ts';

/**
 * The shape `functions/api/authorizer.ts` answers with, for partner and operator checks. A
 * partner answer carries the usage identifier key API Gateway's usage plan would throttle by.
 */
export type AuthorizeResult =
  | { ok: true; context: Record<string, unknown>; usageIdentifierKey?: string; usagePlan?: string }
  | { ok: false; code: 'unauthorized' | 'forbidden' };

export interface GatewayOptions {
  routes: RouteDefinition[];
  /** Handler paths in the routes are relative to this folder (the repository root). */
  rootDir: string;
  /** Given the `x-api-key` header, for every `auth: 'partner'` route. */
  authorizePartner: (apiKey: string | undefined, route: RouteDefinition) => Promise<AuthorizeResult>;
  /** Given the `Authorization` header; without it every operator route answers 401. */
  authorizeOperator?: (authorization: string | undefined, route: RouteDefinition) => Promise<AuthorizeResult>;
  /** One line per request on stdout: method, path, status, milliseconds. */
  log?: boolean;
  /**
   * Throttle of partner routes per usage identifier key (one per tenant), as the usage plan
   * does on AWS: one limit for every plan, or the limit of the plan the authorizer named.
   * None when absent.
   */
  partnerKeyRateLimit?: KeyRateLimit | ((usagePlan: string | undefined) => KeyRateLimit);
}

export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * API Gateway offline: turns each HTTP request into the REST proxy event the deployed API
 * would send and calls the very handler module the route's Lambda runs. Refusals the real
 * gateway would make itself (no route, wrong method, too large, not authorized) are answered
 * here as problem+json so clients see one error format.
 */
export function createGateway(opts: GatewayOptions): Server {
  const matchRoute = createRouteMatcher(opts.routes);
  const takeKeyToken = opts.partnerKeyRateLimit ? createPlanRateLimiter(opts.partnerKeyRateLimit) : undefined;
  const loadHandler = createHandlerLoader(opts.rootDir);
  // Before any handler runs: each invocation's Powertools state is its own (function_name).
  localInvokeStore();

  const server = createServer((req, res) => {
    const startedAt = Date.now();
    const requestId = randomUUID();
    res.setHeader('x-amzn-RequestId', requestId);
    const [rawPath = '/', rawQuery = ''] = splitOnce(req.url ?? '/', '?');
    if (opts.log) {
      res.once('finish', () => console.log(`${req.method} ${rawPath} ${res.statusCode} ${Date.now() - startedAt}ms`));
    }
    handle(req, res, { rawPath, rawQuery, requestId, startedAt }).catch((error: unknown) => {
      console.error(`[gateway] ${req.method} ${rawPath} failed (request ${requestId}):`, error);
      if (res.headersSent) return void res.destroy();
      // Drop whatever a half-written handler result left behind; the problem stands alone.
      for (const name of res.getHeaderNames()) if (name !== 'x-amzn-requestid') res.removeHeader(name);
      writeProblem(res, 'internal_error', 'The request could not be completed', requestId);
    });
  });
  // Requests Node cannot parse (headers over its limit, broken framing) never reach the handler
  // above: answer them with the same problem+json rather than Node's bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => writeRawProblem(socket, error));
  return server;

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: { rawPath: string; rawQuery: string; requestId: string; startedAt: number },
  ): Promise<void> {
    const { requestId } = ctx;
    const match = matchRoute(req.method ?? '', ctx.rawPath);
    if (match.kind === 'not_found') return writeProblem(res, 'not_found', `No route for ${ctx.rawPath}`, requestId);
    if (match.kind === 'bad_path') return writeProblem(res, 'validation_error', match.detail, requestId);
    if (match.kind === 'method_not_allowed') {
      const { detail, allow } = methodNotAllowed(match.allow);
      return writeProblem(res, 'method_not_allowed', detail, requestId, { allow });
    }
    const { route } = match;

    // An authorizer that throws: a database outage is 503 (API Gateway's AUTHORIZER_FAILURE
    // response), anything else a bug, 500 like any other.
    const authorization = await authorize(req, route).catch((error: unknown) => ({ ok: 'threw' as const, error }));
    if (authorization.ok === 'threw') {
      console.error(`authorizer failed for ${route.operationId}: ${(authorization.error as Error).name}`);
      return isDependencyUnavailable(authorization.error)
        ? writeProblem(res, 'service_unavailable', 'Credentials could not be checked just now; retry shortly', requestId, {
            'retry-after': '1',
          })
        : writeProblem(res, 'internal_error', 'Something went wrong on our side; the request may be retried', requestId);
    }
    if (!authorization.ok) {
      const detail = authorization.code === 'unauthorized' ? 'Valid credentials are required' : 'These credentials may not use this route';
      return writeProblem(res, authorization.code, detail, requestId);
    }
    if (route.auth === 'partner') {
      // API key source AUTHORIZER with apiKeyRequired: an Allow without a usage identifier
      // key is refused by API Gateway (403), whatever the policy says.
      const usageKey = authorization.usageIdentifierKey;
      if (!usageKey) return writeProblem(res, 'forbidden', 'These credentials are on no usage plan', requestId);
      const taken = takeKeyToken?.(usageKey, authorization.usagePlan) ?? { ok: true as const };
      if (!taken.ok) {
        return writeProblem(res, 'rate_limited', 'This key is over its request rate; slow down', requestId, {
          'retry-after': String(taken.retryAfterSeconds),
        });
      }
    }

    const read = await readBody(req, MAX_REQUEST_BODY_BYTES);
    if (!read.ok) {
      if (read.reason === 'aborted') return void res.destroy();
      // The unread rest of the upload is discarded; the connection cannot be reused after it.
      return writeProblem(res, 'payload_too_large', `Request bodies are limited to ${MAX_REQUEST_BODY_BYTES} bytes`, requestId, {
        connection: 'close',
      });
    }

    const event = toProxyEvent({
      req,
      route,
      rawPath: ctx.rawPath,
      rawQuery: ctx.rawQuery,
      pathParameters: match.pathParameters,
      body: read.body,
      requestId,
      requestTimeEpoch: ctx.startedAt,
      authorizer: authorization.context,
    });
    const handler = await loadHandler(route.handler);
    const result = await asInvocation(requestId, () => handler(event, localLambdaContext(route.operationId, requestId)));
    writeProxyResult(res, result);
  }

  async function authorize(
    req: IncomingMessage,
    route: RouteDefinition,
  ): Promise<
    | { ok: true; context: Record<string, unknown> | null; usageIdentifierKey?: string; usagePlan?: string }
    | { ok: false; code: 'unauthorized' | 'forbidden' }
  > {
    const headers = collectHeaders(req.rawHeaders).single;
    switch (route.auth) {
      case 'public':
        return { ok: true, context: null };
      case 'partner':
        return opts.authorizePartner(headerOf(headers, 'x-api-key'), route);
      case 'operator':
        return opts.authorizeOperator === undefined
          ? { ok: false, code: 'unauthorized' }
          : opts.authorizeOperator(headerOf(headers, 'authorization'), route);
    }
  }
}

/** One token bucket per usage identifier key, with its plan's limit. */
function createPlanRateLimiter(limit: NonNullable<GatewayOptions['partnerKeyRateLimit']>) {
  const byPlan = new Map<string | undefined, ReturnType<typeof createKeyRateLimiter>>();
  return (usageKey: string, plan: string | undefined) => {
    let take = byPlan.get(plan);
    if (!take) byPlan.set(plan, (take = createKeyRateLimiter(typeof limit === 'function' ? limit(plan) : limit)));
    return take(usageKey);
  };
}

/** Each handler module is imported once, like a warm Lambda; a failed import is retried next time. */
function createHandlerLoader(rootDir: string): (handlerPath: string) => Promise<LambdaHandler> {
  const cache = new Map<string, Promise<LambdaHandler>>();
  return (handlerPath) => {
    let loading = cache.get(handlerPath);
    if (loading === undefined) {
      loading = import(pathToFileURL(join(rootDir, handlerPath)).href).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${handlerPath} does not export a handler function`);
        return module.handler as LambdaHandler;
      });
      loading.catch(() => cache.delete(handlerPath));
      cache.set(handlerPath, loading);
    }
    return loading;
  };
}

/** Headers and multiValueHeaders are merged as API Gateway does: a multi-value entry wins. */
function writeProxyResult(res: ServerResponse, result: APIGatewayProxyResult): void {
  if (typeof result !== 'object' || result === null || !Number.isInteger(result.statusCode)) {
    throw new Error('The handler returned something that is not an API Gateway proxy result');
  }
  const headers = new Map<string, string | string[]>();
  for (const [name, value] of Object.entries(result.headers ?? {})) headers.set(name.toLowerCase(), String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers.set(name.toLowerCase(), values.map(String));
  }
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
  headers.set('content-length', String(body.length));
  res.writeHead(result.statusCode, Object.fromEntries(headers));
  res.end(body);
}

function splitOnce(value: string, separator: string): [string, string] {
  const index = value.indexOf(separator);
  return index === -1 ? [value, ''] : [value.slice(0, index), value.slice(index + 1)];
}
