import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newIdempotencyKey, startPartnerApi, type LocalApi } from '../support/local-api.ts';
import { rawRequest } from '../support/raw-http.ts';

let api: LocalApi;
let partnerKey: string;

beforeAll(async () => {
  api = (await startPartnerApi()).api;
  ({ partnerKey } = await api.newTenant());
  const linked = await fetch(`${api.baseUrl}/api/v1/accounts/member-1`, {
    method: 'PUT',
    headers: { 'x-api-key': partnerKey, 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() },
    body: JSON.stringify({ profile: { profileId: 'p-1', role: 'CONSUMER' } }),
  });
  expect(linked.status).toBe(201);
});
afterAll(() => api?.close());

const earnBody = JSON.stringify({ accountId: 'member-1', source: { type: 'bonus', campaignId: 'c', points: 1 } });

function earnDeclaring(contentType: string, body: Buffer | string = earnBody) {
  return rawRequest(api.baseUrl, {
    method: 'POST',
    path: '/api/v1/earn',
    headers: { 'x-api-key': partnerKey, 'content-type': contentType, 'idempotency-key': newIdempotencyKey() },
    body,
  });
}

describe('request framing the local gateway and the handlers refuse precisely', () => {
  it('headers over the limit are 431 request_header_fields_too_large, not 413', async () => {
    const response = await rawRequest(api.baseUrl, { method: 'GET', path: '/api/v1/health', headers: { 'x-junk': 'a'.repeat(20_000) } });
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.json).toMatchObject({ status: 431, code: 'request_header_fields_too_large', detail: expect.stringMatching(/headers/) });
  });

  for (const charset of ['utf-16', 'UTF-16LE', 'iso-8859-1', '"utf-16"', 'utf8']) {
    it(`a body declared charset=${charset} is 415 unsupported_media_type`, async () => {
      const body = charset.toLowerCase().includes('16') ? Buffer.from(earnBody, 'utf16le') : earnBody;
      const response = await earnDeclaring(`application/json; charset=${charset}`, body);
      expect(response.status).toBe(415);
      expect(response.json).toMatchObject({ code: 'unsupported_media_type', detail: expect.stringMatching(/UTF-8/) });
    });
  }

  for (const contentType of [
    'application/json',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'application/json; charset="utf-8"',
  ]) {
    it(`a body sent as ${contentType} is accepted`, async () => {
      expect((await earnDeclaring(contentType)).status).toBe(201);
    });
  }
});
