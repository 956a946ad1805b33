import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const authorizePartnerRequest = vi.fn();
vi.mock('../../functions/api/authorizer.ts', () => ({ authorizePartnerRequest }));
const { handler, findPartnerRoute, parseMethodArn } = await import('../../functions/api/handlers/authorize-partner.ts');
const { logger } = await import('../../functions/api/http/observability.ts');

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod';
const event = (method: string, path: string, headers: Record<string, string> = { 'X-Api-Key': 'rrr_key' }) =>
  ({ type: 'REQUEST', methodArn: `${PREFIX}/${method}${path}`, headers }) as unknown as APIGatewayRequestAuthorizerEvent;

describe('partner authorizer: finding the route', () => {
  it.each([
    ['GET', '/api/v1/accounts/acc-1', 'getAccount'],
    ['PUT', '/api/v1/accounts/acc-1', 'putAccount'],
    ['POST', '/api/v1/earn', 'earn'],
    ['GET', '/api/v1/balance', 'getBalance'],
    ['GET', '/api/v1/health', undefined], // public: never a partner route
    ['GET', '/api/v1/accounts/acc-1/extra', undefined],
    ['DELETE', '/api/v1/accounts/acc-1', undefined],
  ])('%s %s -> %s', (method, path, operationId) => {
    expect(findPartnerRoute(method, path)?.operationId).toBe(operationId);
  });

  it('splits a method ARN into API prefix, method and path', () => {
    expect(parseMethodArn(`${PREFIX}/GET/api/v1/balance`)).toEqual({ apiPrefix: PREFIX, method: 'GET', path: '/api/v1/balance' });
    expect(parseMethodArn('not-an-arn')).toBeUndefined();
  });
});

describe('partner authorizer: answers', () => {
  beforeEach(() => authorizePartnerRequest.mockReset());

  it('allows the route template (not just this account id) with the principal as context', async () => {
    const context = { tenantId: 'xcn', keyId: 'key_1', scopes: 'accounts,read' };
    authorizePartnerRequest.mockResolvedValue({ ok: true, context, usageIdentifierKey: 'rrrusage0123', usagePlan: 'standard' });
    const result = await handler(event('GET', '/api/v1/accounts/acc-1'));
    expect(authorizePartnerRequest).toHaveBeenCalledWith('rrr_key', expect.objectContaining({ operationId: 'getAccount' }));
    expect(result).toMatchObject({
      principalId: 'key_1',
      context,
      // API key source AUTHORIZER: the usage plan throttles by the tenant's usage key, not the partner key.
      usageIdentifierKey: 'rrrusage0123',
      policyDocument: { Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `${PREFIX}/GET/api/v1/accounts/*` }] },
    });
  });

  it('throws Unauthorized (API Gateway answers 401) for a key it cannot resolve', async () => {
    authorizePartnerRequest.mockResolvedValue({ ok: false, code: 'unauthorized' });
    await expect(handler(event('POST', '/api/v1/earn', {}))).rejects.toThrow('Unauthorized');
    expect(authorizePartnerRequest).toHaveBeenCalledWith(undefined, expect.anything());
  });

  it('denies (API Gateway answers 403) a key without the route scope', async () => {
    authorizePartnerRequest.mockResolvedValue({ ok: false, code: 'forbidden' });
    const result = await handler(event('POST', '/api/v1/redeem'));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Resource: `${PREFIX}/POST/api/v1/redeem` });
  });

  it('denies a route outside the manifest without asking the store, and logs it as an error', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => {});
    const result = await handler(event('POST', '/api/v1/unknown'));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(authorizePartnerRequest).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledOnce();
  });
});
