import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PartnerScope } from '../route-types.ts';

/** The caller as the authorizer resolved it (API Gateway passes context values as strings). */
export interface PartnerPrincipal {
  tenantId: string;
  keyId: string;
  scopes: PartnerScope[];
}

export function principalToContext(principal: PartnerPrincipal): Record<string, string> {
  return { tenantId: principal.tenantId, keyId: principal.keyId, scopes: principal.scopes.join(',') };
}

export function partnerPrincipal(event: APIGatewayProxyEvent): PartnerPrincipal | undefined {
  const context = event.requestContext.authorizer as Record<string, unknown> | null | undefined;
  const tenantId = context?.tenantId;
  const keyId = context?.keyId;
  if (typeof tenantId !== 'string' || typeof keyId !== 'string' || !tenantId || !keyId) return undefined;
  const scopes = typeof context?.scopes === 'string' && context.scopes ? (context.scopes.split(',') as PartnerScope[]) : [];
  return { tenantId, keyId, scopes };
}
