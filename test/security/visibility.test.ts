import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { getAccountLedgerRoute } from '../../functions/api/routes/admin/get-account-ledger.ts';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import { OPERATOR_ONLY_FIELDS } from '../../schemas/visibility.ts';
import { propertyNamesDeep, resolveRef, type Schema } from '../support/json-schema.ts';
import { partnerRoutes, routes } from '../support/route-catalog.ts';

/*
 * SPEC 4 and issue 4: partners see only partner-visible fields. Every response schema a
 * partner (or anyone, on public routes) can receive is walked to the bottom, through arrays,
 * unions, records and references, and must not name a field of OPERATOR_ONLY_FIELDS.
 */
const operatorOnly = new Set<string>(OPERATOR_ONLY_FIELDS);
const openapi = JSON.parse(readFileSync(new URL('../../schemas/openapi.json', import.meta.url), 'utf8')) as Schema;

function outputSchema(schema: NonNullable<RouteDefinition['responses'][number]['schema']>): Schema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) as Schema;
}

const leaksOf = (schema: Schema, root: Schema = schema) => propertyNamesDeep(schema, root).filter(({ name }) => operatorOnly.has(name));

describe('partner response schemas in the manifest never name an operator-only field', () => {
  it('there are partner routes to check', () => {
    expect(partnerRoutes.length).toBeGreaterThanOrEqual(7);
  });

  for (const route of partnerRoutes) {
    it(`${route.operationId}: every declared response`, () => {
      expect(route.responses.length).toBeGreaterThan(0);
      for (const response of route.responses) {
        // A partner answer without a schema could carry anything: every one must declare its shape.
        expect(response.schema, `${route.operationId} ${response.status} has no schema`).toBeDefined();
        const schema = outputSchema(response.schema!);
        expect(propertyNamesDeep(schema, schema).length, 'the walk found no properties at all').toBeGreaterThan(0);
        expect(leaksOf(schema), `${route.operationId} ${response.status}`).toEqual([]);
      }
    });
  }

  for (const route of routes.filter((r) => r.auth === 'public')) {
    it(`public ${route.operationId}: every declared response with a schema`, () => {
      for (const response of route.responses.filter((r) => r.schema)) expect(leaksOf(outputSchema(response.schema!))).toEqual([]);
    });
  }
});

describe('the published OpenAPI document agrees, errors included', () => {
  it('no partner operation documents an operator-only field in any response, problem details aside from their own requestId', () => {
    let checked = 0;
    for (const [path, item] of Object.entries<Record<string, Schema>>(openapi.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.security?.some((s: Schema) => 'partnerKey' in s)) continue;
        for (const [status, response] of Object.entries<Schema>(op.responses)) {
          for (const [mediaType, content] of Object.entries<Schema>(response.content ?? {})) {
            const schema: Schema = content.schema.$ref ? resolveRef(openapi, content.schema.$ref) : content.schema;
            // A problem's top-level requestId is the id of the partner's own request, to quote
            // to support; it is not the ledger's record of who asked. Nested, it would be a leak.
            const leaks = leaksOf(schema, openapi).filter(
              ({ name, path: at }) => !(mediaType === 'application/problem+json' && name === 'requestId' && at === '$.requestId'),
            );
            expect(leaks, `${method.toUpperCase()} ${path} ${status} ${mediaType}`).toEqual([]);
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(partnerRoutes.length * 3);
  });
});

describe('the split is real', () => {
  it('the operator ledger view (getAccountLedger) carries the operator-only fields partners never see', () => {
    const schema = outputSchema(getAccountLedgerRoute.responses[0]!.schema!);
    const names = new Set(leaksOf(schema).map(({ name }) => name));
    for (const field of ['actor', 'clientMeta', 'ipHash', 'deviceHash', 'idempotencyKey', 'requestId', 'correlationId']) {
      expect(names, field).toContain(field);
    }
  });

  it('the walk finds an operator-only field however deep it is hidden (array, union, record, reference)', () => {
    const Hidden = z.object({ riskScore: z.number() });
    const probes = [
      z.object({ items: z.array(z.object({ deep: z.object({ adminNote: z.string() }) })) }),
      z.object({ either: z.union([z.object({ a: z.string() }), z.object({ approvals: z.array(z.string()) })]) }),
      z.object({ byId: z.record(z.string(), z.object({ fraudFlag: z.boolean() })) }),
      z.object({ first: Hidden, second: Hidden }),
    ];
    for (const probe of probes) expect(leaksOf(outputSchema(probe)).length, JSON.stringify(outputSchema(probe))).toBeGreaterThan(0);
  });
});
