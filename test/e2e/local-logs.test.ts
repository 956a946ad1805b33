import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverServices, startService, type RunningService } from '../support/local-service.ts';

let localDir: string;
let service: RunningService;

beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'rrr-logs-'));
  // The service inherits this environment: log refusals (INFO).
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  service = await startService(localDir, ['--in-memory']);
});
afterAll(async () => {
  await killLeftoverServices();
  await rm(localDir, { recursive: true, force: true });
});

function call(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<number> {
  const { baseUrl, partnerKey } = service.credentials;
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'x-api-key': partnerKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': idempotencyKey ?? `logs-${Math.random()}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).then(async (response) => {
    await response.body?.cancel();
    return response.status;
  });
}

describe('local logs', () => {
  it("each route's log lines carry its own function name, even when routes run concurrently", async () => {
    const profile = (id: string) => ({ profile: { profileId: id, role: 'CONSUMER' } });
    expect(await call('PUT', '/api/v1/accounts/member-1', profile('p-1'), 'logs-link')).toBe(201);
    // Refusals decided after a database read, so the requests interleave while in flight.
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => [
        call('POST', '/api/v1/earn', { accountId: `ghost-${i}`, source: { type: 'bonus', campaignId: 'c', points: 5 } }),
        call('PUT', '/api/v1/accounts/member-1', profile(`p-other-${i}`), 'logs-link'),
        call('GET', `/api/v1/balance?accountId=ghost-${i}`),
      ]).flat(),
    );
    expect(new Set(statuses)).toEqual(new Set([404, 422]));
    expect(await service.stop()).toBe(0);

    const refusals = (await service.outputAfterReady())
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.message === 'refused');
    const named = refusals.map((entry) => `${entry.operationId} logged as ${entry.function_name}`);
    expect(new Set(named)).toEqual(new Set(['earn logged as earn', 'putAccount logged as putAccount', 'getBalance logged as getBalance']));
    expect(refusals).toHaveLength(24);
  });
});
