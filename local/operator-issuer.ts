import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type CryptoKey as JoseKey, type KeyObject } from 'jose';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import type { OperatorRole } from '../functions/domain/vocabulary.ts';
import type { AuthorizeResult } from './gateway.ts';

/**
 * The local stand-in for Cognito: it signs operator tokens with a key generated at start and
 * verifies them the way API Gateway's Cognito authorizer does (RS256 only, issuer, audience,
 * expiry, ID tokens), handing the handler the same `claims` shape.
 */
export const LOCAL_OPERATOR_AUDIENCE = 'redroomrewards-local-operators';
const ALGORITHM = 'RS256';
const CLOCK_SKEW_SECONDS = 30;

export interface OperatorTokenRequest {
  subject: string;
  roles: OperatorRole[];
  tenantId?: string;
  ttlSeconds?: number;
}

export interface OperatorIssuer {
  issuer: string;
  privateJwk: JWK;
  mint(request: OperatorTokenRequest): Promise<string>;
  authorize(authorization: string | undefined, route: RouteDefinition): Promise<AuthorizeResult>;
}

export async function createOperatorIssuer(opts: { issuer: string; privateJwk?: JWK }): Promise<OperatorIssuer> {
  let privateKey: JoseKey | KeyObject | Uint8Array;
  let publicKey: JoseKey | KeyObject | Uint8Array;
  let privateJwk: JWK;
  if (opts.privateJwk) {
    privateJwk = opts.privateJwk;
    privateKey = await importJWK(privateJwk, ALGORITHM);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    publicKey = await importJWK(publicJwk, ALGORITHM);
  } else {
    const pair = await generateKeyPair(ALGORITHM, { extractable: true });
    privateKey = pair.privateKey;
    publicKey = pair.publicKey;
    privateJwk = { ...(await exportJWK(pair.privateKey)), alg: ALGORITHM, kid: randomUUID() };
  }
  const kid = privateJwk.kid ?? 'local';

  return {
    issuer: opts.issuer,
    privateJwk,
    async mint({ subject, roles, tenantId, ttlSeconds = 3600 }) {
      return new SignJWT({
        token_use: 'id',
        'cognito:groups': roles,
        ...(tenantId ? { 'custom:tenant_id': tenantId } : {}),
      })
        .setProtectedHeader({ alg: ALGORITHM, kid, typ: 'JWT' })
        .setIssuer(opts.issuer)
        .setAudience(LOCAL_OPERATOR_AUDIENCE)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(randomUUID())
        .sign(privateKey);
    },
    async authorize(authorization) {
      const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
      if (!token) return { ok: false, code: 'unauthorized' };
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer: opts.issuer,
          audience: LOCAL_OPERATOR_AUDIENCE,
          algorithms: [ALGORITHM],
          requiredClaims: ['exp', 'sub'],
          clockTolerance: CLOCK_SKEW_SECONDS,
        });
        if (payload.token_use !== 'id') return { ok: false, code: 'unauthorized' };
        const groups = Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'].map(String) : [];
        // API Gateway's Cognito authorizer passes claims as strings, groups comma-joined.
        const claims: Record<string, string> = { sub: String(payload.sub), 'cognito:groups': groups.join(',') };
        if (typeof payload['custom:tenant_id'] === 'string') claims['custom:tenant_id'] = payload['custom:tenant_id'];
        return { ok: true, context: { claims } };
      } catch {
        return { ok: false, code: 'unauthorized' };
      }
    },
  };
}
