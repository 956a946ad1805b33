import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/manifest.ts';
import { buildOpenApiDocument } from '../../schemas/openapi-document.ts';
import { ERROR_CODE_LIST } from '../../schemas/error-codes.ts';

const committed = JSON.parse(readFileSync(new URL('../../schemas/openapi.json', import.meta.url), 'utf8'));
const generated = buildOpenApiDocument(routes);

describe('OpenAPI document', () => {
  it('the committed schemas/openapi.json is what the manifest generates (run `npm run openapi`)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(generated)));
  });

  it('has one operation per manifest route, with a unique operationId', () => {
    const operations = Object.values(committed.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) =>
      Object.values(p),
    );
    expect(operations.map((o) => o.operationId).sort()).toEqual(routes.map((r) => r.operationId).sort());
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
  });

  it('requires Idempotency-Key exactly on the idempotent routes', () => {
    for (const route of routes) {
      const op = committed.paths[route.path][route.method.toLowerCase()];
      const hasHeader = (op.parameters ?? []).some((p: { name: string; required: boolean }) => p.name === 'Idempotency-Key' && p.required);
      expect(hasHeader, route.operationId).toBe(route.idempotent);
    }
  });

  it('rejects unknown fields in every request body', () => {
    for (const route of routes.filter((r) => r.request?.body)) {
      const schema = committed.paths[route.path][route.method.toLowerCase()].requestBody.content['application/json'].schema;
      expect(schema.additionalProperties, route.operationId).toBe(false);
    }
  });

  it('documents every problem code', () => {
    expect(committed.components.schemas.ProblemCode.enum).toEqual(ERROR_CODE_LIST);
  });
});
