import { randomBytes } from 'node:crypto';

/**
 * A tenant's usage key: the value of the API Gateway API key that stands for the tenant on
 * its usage plan. The partner authorizer returns it as `usageIdentifierKey` (the REST API's
 * API key source is AUTHORIZER), so API Gateway throttles and meters per tenant without ever
 * holding a partner secret. It is not a credential: with that key source API Gateway never
 * reads an API key from a request, so knowing the value opens nothing. It is kept in the
 * clear on the tenant item and never shown to partners.
 *
 * API Gateway wants 20 to 128 alphanumeric characters and unique values: 160 random bits.
 */
export const USAGE_KEY_PATTERN = /^rrrusage[0-9a-f]{40}$/;

export const newUsageKeyValue = () => `rrrusage${randomBytes(20).toString('hex')}`;

/** The API Gateway API key's name (names need not be unique; values must). */
export const usageKeyName = (tenantId: string) => `tenant-${tenantId}`;
