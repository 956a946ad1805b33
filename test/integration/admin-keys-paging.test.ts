import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY_LABEL, keepDemoKey } from '../../local/demo-key.ts';
import { listAllApiKeys } from '../../functions/store/api-keys.ts';
import { commitPartnerKeyChange, createPartnerKey } from '../../functions/usecases/partner-keys.ts';
import { operatorClient, startLocalApi, type LocalApi } from '../support/local-api.ts';

const run = promisify(execFile);
const KEYS = 250;
let api: LocalApi;
let tenantId: string;
let admin: ReturnType<typeof operatorClient>;
/** Key ids of the demo-labelled keys planted among the 250, besides the one the tenant began with. */
const demoKeyIds: string[] = [];

beforeAll(async () => {
  api = await startLocalApi();
  ({ tenantId } = await api.newTenant());
  admin = operatorClient(api.baseUrl, await api.operatorToken(['platform_admin']));
  const now = new Date().toISOString();
  const mint = async (i: number) => {
    // Every 50th key looks like a demo key an earlier run left live, spread over every page.
    const label = i % 50 === 49 ? DEMO_KEY_LABEL : `key ${i}`;
    const { record } = await commitPartnerKeyChange(createPartnerKey({ tenantId, scopes: ['read'], now, label }));
    if (label === DEMO_KEY_LABEL) demoKeyIds.push(record.keyId);
  };
  for (let i = 0; i < KEYS - 1; i += 10) await Promise.all(Array.from({ length: Math.min(10, KEYS - 1 - i) }, (_, j) => mint(i + j)));
}, 120_000);
afterAll(() => api?.close());

async function pages(limit?: number) {
  const seen: string[][] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(cursor ? { cursor } : {}) });
    const response = await admin.call('GET', `/api/v1/admin/tenants/${tenantId}/keys?${query}`);
    expect(response.status).toBe(200);
    seen.push(response.body.items.map((item: { keyId: string }) => item.keyId));
    cursor = response.body.nextCursor;
  } while (cursor);
  return seen;
}

describe('listing 250 partner keys', () => {
  it('pages by cursor: 100 by default, every key once, in key id order, and the last page says so', async () => {
    const byDefault = await pages();
    expect(byDefault.map((page) => page.length)).toEqual([100, 100, 50]);
    const all = byDefault.flat();
    expect(new Set(all).size).toBe(KEYS);
    expect(all).toEqual([...all].sort());
    expect((await pages(40)).flat()).toEqual(all);
  });

  it('refuses a cursor it did not issue', async () => {
    const forged = Buffer.from('k1:../../other-tenant').toString('base64url');
    const response = await admin.call('GET', `/api/v1/admin/tenants/${tenantId}/keys?cursor=${forged}`);
    expect(response.status).toBe(400);
  });

  it('the admin CLI list-keys follows every cursor', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'list-keys', '--tenant', tenantId], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, RRR_BASE_URL: api.baseUrl, RRR_OPERATOR_TOKEN: await api.operatorToken(['platform_admin']) },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect((JSON.parse(stdout) as { items: unknown[] }).items).toHaveLength(KEYS);
  });

  it('the local demo key sees every key: the demo keys on every page are revoked, one stays live', async () => {
    expect(demoKeyIds).toHaveLength(4);
    const { keyId } = await keepDemoKey(tenantId, undefined);
    const all = await listAllApiKeys(tenantId);
    expect(all).toHaveLength(KEYS + 1);
    const liveDemo = all.filter((key) => key.label === DEMO_KEY_LABEL && key.status === 'active').map((key) => key.keyId);
    expect(liveDemo).toEqual([keyId]);
  });
});
