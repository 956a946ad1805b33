import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditRecordsOf } from '../../functions/audit/records.ts';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';
import { allLedgerEntries } from '../support/ledger-audit.ts';
import { type operatorClient, partnerClient, startPartnerApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';

/**
 * Tenant configuration versions end to end through the local gateway: a change effective
 * tomorrow leaves today's earns alone, a change effective now prices the next earn, every
 * version is listed and every change is audited through the tenant item's stream image.
 */

let api: LocalApi;
let tenantId: string;
let partner: PartnerClient;
type Operator = ReturnType<typeof operatorClient>;
let admin: Operator;
let support: Operator;
let finance: Operator;

const operator = (subject: string, roles: string[], tenant?: string): Promise<Operator> => api.operator(subject, roles, tenant);

beforeAll(async () => {
  ({ api, tenantId, partner } = await startPartnerApi());
  admin = await operator('cfg-admin', ['tenant_admin'], tenantId);
  support = await operator('cfg-support', ['support'], tenantId);
  finance = await operator('cfg-finance', ['finance'], tenantId);
});
afterAll(() => api?.close());

const path = () => `/api/v1/admin/tenants/${tenantId}/config`;
const put = (body: Record<string, unknown>, by: Operator = admin) => by.call('PUT', path(), body);
const rawTenant = async () =>
  (await getDocumentClient().send(new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId), ConsistentRead: true }))).Item!;
let order = 0;
const purchase = (accountId: string, subtotalCents: number) =>
  partner.earn({ accountId, source: { type: 'purchase', orderId: `cfg-${accountId}-${++order}`, subtotalCents } });

describe('tenant configuration versions', () => {
  it('a change effective tomorrow does not touch today’s earns; one effective now prices the next earn', async () => {
    expect((await partner.putAccount('cfg-1')).status).toBe(201);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await put({ effectiveFrom: tomorrow, earning: { purchasePointsPerUsd: 50 } });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.created).toMatchObject({ version: 2, effectiveFrom: tomorrow, earning: { purchasePointsPerUsd: 50 } });
    expect(scheduled.body.current.version).toBe(1);

    const today = await purchase('cfg-1', 10_000);
    expect(today.status).toBe(201);
    expect(today.body).toMatchObject({ points: 1200, ruleVersion: 1 });

    const now = await put({ earning: { purchasePointsPerUsd: 20 } });
    expect(now.status).toBe(201);
    // It takes effect a minute from now, when every function has read it: the handlers run in
    // this process, so their clock is moved past that minute.
    expect(Date.parse(now.body.created.effectiveFrom) - Date.now()).toBeGreaterThan(55_000);
    const soon = await purchase('cfg-1', 10_000);
    expect(soon.body).toMatchObject({ points: 1200, ruleVersion: 1 });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(now.body.created.effectiveFrom));
    expect(now.body.created).toMatchObject({ version: 3, earning: { purchasePointsPerUsd: 20 }, createdBy: { id: 'cfg-admin' } });
    // Members left out keep the value of the version in force.
    expect(now.body.created.earning.expiryDays.purchase).toBe(365);
    expect(now.body.created.redemption.minPoints).toBe(5000);
    const next = await purchase('cfg-1', 10_000).finally(() => vi.useRealTimers());
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({ points: 2000, ruleVersion: 3 });

    // Each ledger entry records the version that priced it.
    const entries = await allLedgerEntries(tenantId, 'cfg-1');
    expect(entries.map((entry) => [entry.amount, entry.ruleVersion])).toEqual([
      [1200, 1],
      [1200, 1],
      [2000, 3],
    ]);
  });

  it('GET lists every version (scheduled ones included) and the one in force; support and finance may read', async () => {
    for (const reader of [admin, support, finance]) {
      const got = await reader.call('GET', path());
      expect(got.status).toBe(200);
      // Version 3 starts a minute after it was made (the clock is real again), version 2 tomorrow.
      expect(got.body.current.version).toBe(1);
      expect(got.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 3, 2]);
    }
  });

  it('support and finance may not change it', async () => {
    for (const by of [support, finance]) expect((await put({ redemption: { minPoints: 1000 } }, by)).status).toBe(403);
  });

  it('refuses an effectiveFrom in the past, saying so', async () => {
    const past = await put({ effectiveFrom: new Date(Date.now() - 60_000).toISOString(), redemption: { minPoints: 1000 } });
    expect(past.status).toBe(400);
    expect(past.body.code).toBe('validation_error');
    expect(past.body.detail).toMatch(/^effectiveFrom .* is in the past/);
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['no section', { effectiveFrom: new Date(Date.now() + 10 * 60_000).toISOString() }],
    ['an unknown section', { bogus: {} }],
    ['an unknown member', { redemption: { minPoints: 1000, bogus: 1 } }],
    ['a negative rate', { earning: { purchasePointsPerUsd: -1 } }],
    ['a fractional minimum', { redemption: { minPoints: 10.5 } }],
    ['a huge hold', { redemption: { holdSeconds: 10_000_000 } }],
    ['an empty tier list', { tiers: [] }],
    ['duplicate tier names', { tiers: [1, 2].map(() => ({ name: 'A', minPoints: 0, multiplier: 1, maxDiscountPercent: 100 })) }],
    ['a tier multiplier above 10', { tiers: [{ name: 'A', minPoints: 0, multiplier: 11, maxDiscountPercent: 100 }] }],
    ['a discount cap above 100%', { tiers: [{ name: 'A', minPoints: 0, multiplier: 1, maxDiscountPercent: 101 }] }],
    ['a promotion without a window or a reward', { earning: { promotions: [{ id: 'x' }] } }],
    ['a promotion range upside down', { earning: { expiryDays: { promotionMin: 100 } } }],
    ['a daily transfer cap above the weekly one', { transfers: { dailyMax: 2000 } }],
    ['an unknown trust level', { transfers: { minTrustLevel: 'L9' } }],
  ];
  for (const [name, body] of invalid) {
    it(`refuses ${name} with a 400 problem`, async () => {
      const before = (await rawTenant()).configRevision;
      const answer = await put(body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_error');
      expect((await rawTenant()).configRevision).toBe(before);
    });
  }

  it('every change is audited: the stream image of the change gives a tenant.changed record with the versions before and after', async () => {
    const before = await rawTenant();
    const changed = await put({ transfers: { enabled: true } });
    expect(changed.status).toBe(201);
    const after = await rawTenant();
    const { records } = auditRecordsOf({
      eventName: 'MODIFY',
      sequenceNumber: '1',
      at: changed.body.created.createdAt,
      oldImage: before,
      newImage: after,
    });
    expect(records).toHaveLength(1);
    const [record] = records as unknown as [
      { kind: string; changes: { versions: { from: unknown[]; to: { version: number; createdBy: unknown }[] } } },
    ];
    expect(record.kind).toBe('tenant.changed');
    expect(record.changes.versions.from).toHaveLength(before.config.versions.length);
    expect(record.changes.versions.to.at(-1)).toMatchObject({ version: 4, createdBy: { id: 'cfg-admin', role: 'tenant_admin' } });
  });

  it('replays a PUT under the same Idempotency-Key without a second version', async () => {
    const headers = { 'idempotency-key': `cfg-replay-${Date.now()}` };
    const body = { awards: { perViewerPerStream: 50 } };
    const first = await admin.call('PUT', path(), body, headers);
    const again = await admin.call('PUT', path(), body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.created.version).toBe(first.body.created.version);
    expect((await admin.call('GET', path())).body.versions).toHaveLength(first.body.versions.length);
  });
});

describe('a tenant created with its first configuration', () => {
  it('starts with the sections given (no function has read it before, so at once), and refuses an inconsistent one', async () => {
    const platform = await operator('cfg-platform', ['platform_admin']);
    const created = await platform.call('POST', '/api/v1/admin/tenants', {
      tenantId: 'cfg-first',
      displayName: 'First config',
      config: { earning: { purchasePointsPerUsd: 30 }, redemption: { maxPerHour: 3 } },
    });
    expect(created.status).toBe(201);
    const config = await platform.call('GET', '/api/v1/admin/tenants/cfg-first/config');
    expect(config.body.versions).toHaveLength(1);
    expect(config.body.current).toMatchObject({
      version: 1,
      earning: { purchasePointsPerUsd: 30 },
      redemption: { maxPerHour: 3, minPoints: 5000 },
    });

    const key = await platform.call('POST', '/api/v1/admin/tenants/cfg-first/keys', { scopes: ['accounts', 'earn'] });
    const member = partnerClient(api.baseUrl, key.body.key);
    expect((await member.putAccount('first-1')).status).toBe(201);
    const earned = await member.earn({ accountId: 'first-1', source: { type: 'purchase', orderId: 'first-o1', subtotalCents: 10_000 } });
    expect(earned.body).toMatchObject({ points: 3000, ruleVersion: 1 });

    const inconsistent = await platform.call('POST', '/api/v1/admin/tenants', {
      tenantId: 'cfg-bad',
      displayName: 'Bad config',
      config: { transfers: { perTransferMax: 900, dailyMax: 500 } },
    });
    expect(inconsistent.status).toBe(400);
    expect(inconsistent.body.detail).toMatch(/perTransferMax/);
    expect((await platform.call('GET', '/api/v1/admin/tenants/cfg-bad')).status).toBe(404);
  });
});
