import { JsonSchemaVersion, type JsonSchema, type MethodOptions, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { z, type ZodMiniType } from 'zod/mini';
import type { RouteDefinition } from '../functions/api/route-types.ts';

/**
 * Request validation at the edge, from the route's own zod schemas: the body becomes an API
 * Gateway model (JSON Schema draft 4, the dialect API Gateway speaks) and the query and path
 * schemas say which parameters are required. The handler still validates everything itself
 * (the local gateway has no edge); this only stops malformed requests before they cost a
 * Lambda invocation.
 */
export function requestValidation(api: RestApi, route: RouteDefinition): Pick<MethodOptions, 'requestParameters' | 'requestModels'> {
  const requestParameters: Record<string, boolean> = {};
  for (const [name, required] of parameterNames(route.request?.params)) requestParameters[`method.request.path.${name}`] = required;
  for (const [name, required] of parameterNames(route.request?.query)) requestParameters[`method.request.querystring.${name}`] = required;
  const body = route.request?.body;
  return {
    ...(Object.keys(requestParameters).length > 0 ? { requestParameters } : {}),
    ...(body
      ? {
          requestModels: {
            'application/json': api.addModel(`${route.operationId}Body`, {
              contentType: 'application/json',
              modelName: `${route.operationId}Body`,
              schema: draft4(body),
            }),
          },
        }
      : {}),
  };
}

function draft4(schema: ZodMiniType): JsonSchema {
  // Input side: what a client may send (defaults not yet applied). Patterns are kept: the
  // schemas use only regex syntax that Java (API Gateway's validator) reads the same way.
  const json = z.toJSONSchema(schema, { target: 'draft-04', io: 'input' }) as Record<string, unknown>;
  return { ...json, $schema: JsonSchemaVersion.DRAFT4 } as unknown as JsonSchema;
}

function parameterNames(schema: ZodMiniType | undefined): [string, boolean][] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { target: 'draft-04', io: 'input' }) as { properties?: object; required?: string[] };
  return Object.keys(json.properties ?? {}).map((name) => [name, json.required?.includes(name) ?? false]);
}
