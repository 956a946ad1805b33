import type { RouteDefinition } from '../route-types.ts';
import { ProblemError } from './problem.ts';
import type { OperatorPrincipal, Principal } from './principal.ts';

/**
 * Defence in depth behind the authorizers: the handler re-checks the route's scopes or roles
 * and answers which tenant the request acts on. Operators bound to one tenant get 404 for
 * any other, so a tenant's existence never leaks across tenants.
 */
export function tenantInScope(route: RouteDefinition, principal: Principal | undefined, params: unknown): string {
  if (route.auth === 'public') return '';
  if (!principal || principal.kind !== route.auth) {
    throw new ProblemError(
      'unauthorized',
      route.auth === 'partner' ? 'Send a valid x-api-key header' : 'Send a valid operator bearer token',
    );
  }
  if (principal.kind === 'partner') {
    const scopes = route.scopes ?? [];
    if (scopes.length > 0 && !scopes.some((scope) => principal.scopes.includes(scope))) {
      throw new ProblemError('forbidden', `This key needs one of the scopes: ${scopes.join(', ')}`);
    }
    return principal.tenantId;
  }
  return operatorTenant(route, principal, params);
}

function operatorTenant(route: RouteDefinition, operator: OperatorPrincipal, params: unknown): string {
  const roles = route.roles ?? [];
  if (!roles.some((role) => operator.roles.includes(role))) {
    throw new ProblemError('forbidden', `This route needs one of the roles: ${roles.join(', ')}`);
  }
  const target = (params as { tenantId?: string } | undefined)?.tenantId ?? '';
  // Platform admins, and finance staff bound to no tenant, act across tenants.
  const crossTenant =
    operator.roles.includes('platform_admin') || (!operator.tenantId && operator.roles.includes('finance') && roles.includes('finance'));
  if (crossTenant) return target;
  if (!operator.tenantId) throw new ProblemError('forbidden', 'This operator is bound to no tenant');
  if (target && target !== operator.tenantId) throw new ProblemError('not_found', `No tenant ${target}`);
  return operator.tenantId;
}
