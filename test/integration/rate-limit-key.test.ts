import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerClient, startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;

beforeAll(async () => {
  // One token per 100 s after a burst of 5: the burst decides, however slow the machine.
  api = await startLocalApi({ partnerKeyRateLimit: { perSecond: 0.01, burst: 5 } });
});
afterAll(() => api?.close());

describe('per-key throttle (the local usage plan)', () => {
  it('answers 429 rate_limited with Retry-After once a key spends its burst, and other keys are untouched', async () => {
    const busy = partnerClient(api.baseUrl, (await api.newTenant()).partnerKey);
    const calm = partnerClient(api.baseUrl, (await api.newTenant()).partnerKey);
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof busy.balance>> | undefined;
    for (let i = 0; i < 8; i += 1) {
      const response = await busy.balance('anyone');
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.filter((s) => s === 404)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(limited?.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await calm.balance('anyone')).status).toBe(404);
  });

  it("throttles by the tenant's usage key, as the usage plan does on AWS: a second key of the tenant shares the budget", async () => {
    const tenant = await api.newTenant();
    const first = partnerClient(api.baseUrl, tenant.partnerKey);
    const second = partnerClient(api.baseUrl, (await api.newTenant(tenant.tenantId)).partnerKey);
    for (let i = 0; i < 5; i += 1) expect((await first.balance('anyone')).status).toBe(404);
    const limited = await second.balance('anyone');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
  });
});
