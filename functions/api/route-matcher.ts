import type { RouteDefinition } from './route-types.ts';

export type RouteMatch =
  | { kind: 'found'; route: RouteDefinition; pathParameters: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: string[] }
  | { kind: 'not_found' }
  | { kind: 'bad_path'; detail: string };

/**
 * The answer to a method a resource lacks: 405 with these words and Allow header, from the
 * local gateway and from the API's mock ANY method on AWS (lib/partner-api.ts) alike.
 */
export const methodNotAllowed = (allow: readonly string[]) => ({
  detail: `Use ${allow.join(', ')} on this resource`,
  allow: allow.join(', '),
});

type Segment = { literal: string } | { param: string };

interface CompiledTemplate {
  template: string;
  segments: Segment[];
  routes: RouteDefinition[];
}

/**
 * Builds a matcher over API Gateway style path templates (`/a/{id}/b`). Like API Gateway,
 * the most specific resource wins (a literal segment beats a `{param}` at the same depth) and
 * only then is the method checked, so `/redemptions/quote` never falls through to
 * `/redemptions/{id}`.
 */
export function createRouteMatcher(routes: RouteDefinition[]): (method: string, rawPath: string) => RouteMatch {
  const byTemplate = new Map<string, CompiledTemplate>();
  for (const route of routes) {
    const compiled = byTemplate.get(route.path) ?? { template: route.path, segments: parseTemplate(route.path), routes: [] };
    compiled.routes.push(route);
    byTemplate.set(route.path, compiled);
  }
  const templates = [...byTemplate.values()];

  return (method, rawPath) => {
    const rawSegments = rawPath.split('/').slice(1);
    const candidates = templates.filter((t) => literalsMatch(t.segments, rawSegments)).sort(bySpecificity);
    const best = candidates[0];
    if (best === undefined) return { kind: 'not_found' };

    const pathParameters: Record<string, string> = {};
    for (const [index, segment] of best.segments.entries()) {
      if (!('param' in segment)) continue;
      try {
        pathParameters[segment.param] = decodeURIComponent(rawSegments[index] ?? '');
      } catch {
        return { kind: 'bad_path', detail: `Path segment ${index + 1} is not valid percent-encoding` };
      }
    }
    const route = best.routes.find((candidate) => candidate.method === method);
    if (route === undefined) return { kind: 'method_not_allowed', allow: best.routes.map((r) => r.method) };
    return { kind: 'found', route, pathParameters };
  };
}

function parseTemplate(template: string): Segment[] {
  if (!template.startsWith('/')) throw new Error(`Route path must start with "/": ${template}`);
  return template
    .split('/')
    .slice(1)
    .map((part) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
      if (param?.[1] !== undefined) return { param: param[1] };
      if (part.includes('{') || part.includes('}')) throw new Error(`Unsupported path template segment "${part}" in ${template}`);
      return { literal: part };
    });
}

function literalsMatch(segments: Segment[], rawSegments: string[]): boolean {
  if (segments.length !== rawSegments.length) return false;
  return segments.every((segment, index) => {
    const raw = rawSegments[index] ?? '';
    return 'literal' in segment ? segment.literal === raw : raw !== '';
  });
}

/** Literal segments earlier in the path make a template more specific. */
function bySpecificity(a: CompiledTemplate, b: CompiledTemplate): number {
  for (let index = 0; index < a.segments.length; index++) {
    const aLiteral = 'literal' in (a.segments[index] ?? {});
    const bLiteral = 'literal' in (b.segments[index] ?? {});
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}
