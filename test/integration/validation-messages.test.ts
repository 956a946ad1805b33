import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorClient, startPartnerApi, type ApiResponse, type LocalApi, type PartnerClient } from '../support/local-api.ts';

let api: LocalApi;
let partner: PartnerClient;
let admin: ReturnType<typeof operatorClient>;

beforeAll(async () => {
  ({ api, partner } = await startPartnerApi());
  await partner.putAccount('member-1');
  admin = operatorClient(api.baseUrl, await api.operatorToken(['platform_admin']));
});
afterAll(() => api?.close());

const bonus = { type: 'bonus', campaignId: 'c', points: 5 };

/** name, request, and [path, what the message must say] of the first problem the answer lists. */
const cases: [string, () => Promise<ApiResponse>, string, RegExp][] = [
  [
    'a subtotal as a string',
    () => partner.earn({ accountId: 'member-1', source: { type: 'purchase', orderId: 'o', subtotalCents: '500' } }),
    'body.source.subtotalCents',
    /^expected an integer, received string$/,
  ],
  [
    'fractional points',
    () => partner.earn({ accountId: 'member-1', source: { ...bonus, points: 1.5 } }),
    'body.source.points',
    /^expected an integer, received 1\.5$/,
  ],
  [
    'negative points',
    () => partner.earn({ accountId: 'member-1', source: { ...bonus, points: -5 } }),
    'body.source.points',
    /^expected a number greater than 0, received -5$/,
  ],
  [
    'too many points',
    () => partner.earn({ accountId: 'member-1', source: { ...bonus, points: 200_000_000 } }),
    'body.source.points',
    /^expected a number at most 100000000, received 200000000$/,
  ],
  ['an unknown field at the top', () => partner.earn({ accountId: 'member-1', source: bonus, foo: 1 }), 'body', /^unknown field "foo"$/],
  [
    'an unknown field in the source',
    () => partner.earn({ accountId: 'member-1', source: { ...bonus, multiplier: 10 } }),
    'body.source',
    /^unknown field "multiplier"$/,
  ],
  [
    'an unknown source type',
    () => partner.earn({ accountId: 'member-1', source: { ...bonus, type: 'lottery' } }),
    'body.source.type',
    /^expected one of "purchase", "promotion", "bonus"$/,
  ],
  ['a missing account id', () => partner.earn({ source: bonus }), 'body.accountId', /^missing, expected a string$/],
  [
    'an account id that is too long',
    () => partner.earn({ accountId: 'a'.repeat(65), source: bonus }),
    'body.accountId',
    /^expected at most 64 characters$/,
  ],
  [
    'an account id with a key separator',
    () => partner.earn({ accountId: 'T#x', source: bonus }),
    'body.accountId',
    /^expected a string matching \/.+\/$/,
  ],
  [
    'a malformed occurredAt',
    () => partner.earn({ accountId: 'member-1', source: bonus, occurredAt: 'yesterday' }),
    'body.occurredAt',
    /^expected an ISO 8601 date-time/,
  ],
  ['a JSON array', () => partner.earn([1, 2, 3]), 'body', /^expected an object, received an array$/],
  ['JSON null', () => partner.earn(null), 'body', /^expected an object, received null$/],
  [
    'redeem points as a string',
    () => partner.redeem({ accountId: 'member-1', points: '5000', orderId: 'o' }),
    'body.points',
    /^expected an integer, received string$/,
  ],
  [
    'a reversal with an unknown reason',
    () => partner.reverse({ accountId: 'member-1', orderId: 'o', reason: 'whim' }),
    'body.reason',
    /^expected one of "refund", "chargeback"/,
  ],
  ['a page size over 100', () => partner.transactions('accountId=member-1&limit=1000'), 'query.limit', /^expected a string matching/],
  ['an unknown query parameter', () => partner.transactions('accountId=member-1&unknown=1'), 'query', /^unknown field "unknown"$/],
  ['an unknown transaction type', () => partner.transactions('accountId=member-1&type=STEAL'), 'query.type', /^expected one of "EARN"/],
  ['a missing account id in the query', () => partner.call('GET', '/api/v1/balance'), 'query.accountId', /^missing, expected a string$/],
  [
    'a path tenant id that is too short',
    () => admin.call('GET', '/api/v1/admin/tenants/ab/keys'),
    'path.tenantId',
    /^expected at least 3 characters$/,
  ],
  [
    'a malformed key id in the path',
    () => admin.call('POST', '/api/v1/admin/tenants/demo-x/keys/nope/revoke', { reason: 'other' }),
    'path.keyId',
    /^expected a string matching/,
  ],
  [
    'an empty scope list',
    () => admin.call('POST', '/api/v1/admin/tenants/demo-x/keys', { scopes: [] }),
    'body.scopes',
    /^expected at least 1 item$/,
  ],
  [
    'an unknown scope',
    () => admin.call('POST', '/api/v1/admin/tenants/demo-x/keys', { scopes: ['everything'] }),
    'body.scopes.0',
    /^expected one of "accounts"/,
  ],
  [
    'a time zone that does not exist',
    () => admin.call('POST', '/api/v1/admin/tenants', { tenantId: 'tz-co', displayName: 'TZ', timeZone: 'Mars/Olympus' }),
    'body.timeZone',
    /^Not an IANA time zone$/,
  ],
];

describe('a validation_error names the field and what was expected', () => {
  for (const [name, send, path, message] of cases) {
    it(name, async () => {
      const response = await send();
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_error');
      expect(response.body.errors[0]).toEqual({ path, message: expect.stringMatching(message) });
      expect(response.body.detail).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}: `));
      expect(response.body.detail).toContain(response.body.errors[0].message);
      expect(JSON.stringify(response.body)).not.toMatch(/Invalid input/i);
    });
  }

  it('lists every problem, and detail says how many more there are', async () => {
    const response = await partner.earn({ accountId: '..', source: { ...bonus, points: -1 }, occurredAt: 'yesterday' });
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual([
      'body.accountId',
      'body.source.points',
      'body.occurredAt',
    ]);
    expect(response.body.detail).toMatch(/\(and 2 more in errors\)$/);
  });
});
