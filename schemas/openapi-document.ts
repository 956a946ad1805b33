import * as z from 'zod/mini';
import type { ZodMiniType } from 'zod/mini';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import { ERROR_CODES, ERROR_CODE_LIST, problemTypeUri, type ErrorCode } from './error-codes.ts';
import { Problem } from './problem.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as JsonSchema;
  return rest;
}

/** Codes any route of an auth kind can answer with, beyond those it declares. */
function implicitErrors(route: RouteDefinition): ErrorCode[] {
  const codes: ErrorCode[] = ['request_header_fields_too_large', 'rate_limited', 'internal_error'];
  if (route.request?.params || route.request?.query || route.request?.body) codes.push('validation_error');
  if (route.request?.body) codes.push('payload_too_large', 'unsupported_media_type');
  if (route.auth !== 'public') codes.push('unauthorized', 'forbidden');
  // A route that reads or writes the table answers 503 when the database cannot serve it.
  if (route.tableAccess !== 'none') codes.push('service_unavailable');
  return codes;
}

function parameters(route: RouteDefinition): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [location, schema] of [
    ['path', route.request?.params],
    ['query', route.request?.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      out.push({ name, in: location, required: location === 'path' || (object.required ?? []).includes(name), schema: property });
    }
  }
  if (route.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'Unique per logical request; a retry with the same key and body replays the first answer.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
    });
  }
  return out;
}

function errorResponses(route: RouteDefinition): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...route.errors, ...implicitErrors(route)])) {
    const { status } = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, codes] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].title}`).join('; '),
      'x-problem-codes': codes,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return out;
}

function operation(route: RouteDefinition): JsonSchema {
  const success: Record<string, JsonSchema> = {};
  for (const response of route.responses) {
    success[String(response.status)] = {
      description: response.description,
      ...(response.schema ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } } : {}),
      ...(route.idempotent
        ? {
            headers: {
              'Idempotent-Replayed': {
                description: '`true` when this is the stored answer to an earlier request',
                schema: { type: 'string' },
              },
            },
          }
        : {}),
    };
  }
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    security: route.auth === 'partner' ? [{ partnerKey: [] }] : route.auth === 'operator' ? [{ operatorJwt: [] }] : [],
    ...(route.scopes ? { 'x-scopes': route.scopes } : {}),
    ...(route.roles ? { 'x-roles': route.roles } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(route.request?.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.request.body, 'input') } } } }
      : {}),
    responses: { ...success, ...errorResponses(route) },
  };
}

/** The OpenAPI 3.1 document, derived from the route manifest and the zod schemas alone. */
export function buildOpenApiDocument(routes: RouteDefinition[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'RedRoomRewards loyalty API',
      version: '1.0.0',
      description:
        'Multi-tenant loyalty points ledger. Partners authenticate with x-api-key; every mutating route requires an Idempotency-Key. Errors are RFC 9457 problem details with a stable `code`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        partnerKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        operatorJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: {
        Problem: jsonSchema(Problem, 'output'),
        ProblemCode: {
          type: 'string',
          enum: ERROR_CODE_LIST,
          description: ERROR_CODE_LIST.map((code) => `${code} (${ERROR_CODES[code].status}): ${problemTypeUri(code)}`).join('\n'),
        },
      },
    },
  };
}
