import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Actor } from '../../domain/types.ts';
import { isOperatorRole, type OperatorRole, type PartnerScope } from '../../domain/vocabulary.ts';

/** A partner as its authorizer resolved it (API Gateway passes context values as strings). */
export interface PartnerPrincipal {
  kind: 'partner';
  tenantId: string;
  keyId: string;
  scopes: PartnerScope[];
}

/**
 * An operator from verified JWT claims: Cognito groups are the roles, `custom:tenant_id`
 * binds tenant admins, support and finance staff to one tenant (platform admins have none).
 */
export interface OperatorPrincipal {
  kind: 'operator';
  operatorId: string;
  roles: OperatorRole[];
  tenantId?: string;
}

export type Principal = PartnerPrincipal | OperatorPrincipal;

export function principalToContext(principal: Omit<PartnerPrincipal, 'kind'>): Record<string, string> {
  return { tenantId: principal.tenantId, keyId: principal.keyId, scopes: principal.scopes.join(',') };
}

export function partnerPrincipal(event: APIGatewayProxyEvent): PartnerPrincipal | undefined {
  const context = event.requestContext.authorizer as Record<string, unknown> | null | undefined;
  const tenantId = context?.tenantId;
  const keyId = context?.keyId;
  if (typeof tenantId !== 'string' || typeof keyId !== 'string' || !tenantId || !keyId) return undefined;
  const scopes = typeof context?.scopes === 'string' && context.scopes ? (context.scopes.split(',') as PartnerScope[]) : [];
  return { kind: 'partner', tenantId, keyId, scopes };
}

/** Cognito's REST authorizer hands groups over as a string: "a", "a,b" or "[a b]". */
function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function operatorPrincipal(event: APIGatewayProxyEvent): OperatorPrincipal | undefined {
  const claims = (event.requestContext.authorizer as { claims?: Record<string, unknown> } | null | undefined)?.claims;
  const operatorId = claims?.sub;
  if (typeof operatorId !== 'string' || !operatorId) return undefined;
  const roles = parseGroups(claims?.['cognito:groups']).filter(isOperatorRole);
  const tenantId = claims?.['custom:tenant_id'];
  return { kind: 'operator', operatorId, roles, ...(typeof tenantId === 'string' && tenantId ? { tenantId } : {}) };
}

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'partner'
    ? { kind: 'partner', id: principal.keyId }
    : { kind: 'operator', id: principal.operatorId, role: principal.roles.join(',') };
}
