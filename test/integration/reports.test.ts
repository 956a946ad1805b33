import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ruleInForce } from '../../functions/domain/tenant-config.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { readDailyFlows, readLiability, reportKeys, reportShard } from '../../functions/reports/read-model.ts';
import { reconcileReports } from '../../functions/reports/reconcile.ts';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { getTenantConfigNow } from '../../functions/store/tenants.ts';
import { sweepTenantExpiry } from '../../functions/usecases/expire-lots.ts';
import { fanOut } from '../../local/stream-consumers.ts';
import type { StreamPoller } from '../../local/stream-poller.ts';
import { startAuditHarness, type AuditHarness, type StreamHandler } from '../audit/harness.ts';
import { operatorClient, type PartnerClient } from '../support/local-api.ts';
import { snapshotTenant } from '../support/table-audit.ts';

/**
 * The reports read model on DynamoDB Local, fed by the local stream poller through the same
 * fan-out handler `npm start` uses (audit exporter and reports together): after earns, redeems,
 * a partial reversal, a committed hold, an expiry sweep and an approved adjustment, it equals
 * what the ledger and the lots say; a batch delivered again counts once; the reconciliation
 * command agrees, and finds a tampered day; the routes answer its figures, to finance and not
 * to a partner key.
 */
let harness: AuditHarness;
let partner: PartnerClient;
let partnerKey: string;
let tenantId: string;
let poller: StreamPoller;
let reports: StreamHandler;
const delivered: DynamoDBStreamEvent[] = [];
const DAY_MS = 86_400_000;

const ok = (response: { status: number; body: unknown }, what: string) =>
  expect([200, 201, 202], `${what}: ${JSON.stringify(response.body)}`).toContain(response.status);

beforeAll(async () => {
  harness = await startAuditHarness();
  ({ tenantId, partner, partnerKey } = await newPartnerWithKey(harness));
  reports = ((await import('../../functions/streams/reports.ts')) as { handler: StreamHandler }).handler;
  const both = fanOut([harness.handler, reports]);
  poller = harness.poller({
    handler: async (event) => {
      delivered.push(event);
      return both(event);
    },
  });
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

async function newPartnerWithKey(h: AuditHarness) {
  const created = await h.api.newTenant();
  const { partnerClient } = await import('../support/local-api.ts');
  return { tenantId: created.tenantId, partnerKey: created.partnerKey, partner: partnerClient(h.api.baseUrl, created.partnerKey) };
}

/** What the ledger and lots say, computed here without the read model's code. */
async function truth(): Promise<{ entries: LedgerEntry[]; days: Map<string, Record<string, number>>; lots: Map<string, number> }> {
  const snapshot = await snapshotTenant(tenantId);
  const entries = [...snapshot.entries.values()].flat();
  const days = new Map<string, Record<string, number>>();
  for (const entry of entries) {
    const day = entry.createdAt.slice(0, 10);
    const row = days.get(day) ?? { issued: 0, redeemed: 0, expired: 0, adjusted: 0, reversed: 0 };
    if (entry.type === 'EARN') row.issued! += entry.amount;
    if (entry.type === 'REDEEM') row.redeemed! -= entry.amount;
    if (entry.type === 'EXPIRE') row.expired! -= entry.amount;
    if (entry.type === 'ADJUSTMENT') row.adjusted! += entry.amount;
    if (entry.type === 'REVERSAL') row.reversed! -= entry.amount;
    days.set(day, row);
  }
  const lots = new Map<string, number>();
  const add = (lot: { type: string; expiresAt: string; remaining: number }) => {
    const key = `${lot.expiresAt.slice(0, 7)}#${lot.type}`;
    lots.set(key, (lots.get(key) ?? 0) + lot.remaining);
  };
  for (const pages of snapshot.pages.values()) for (const page of pages) for (const lot of page.lots) add(lot);
  for (const account of snapshot.accounts) for (const lot of account.wallets.points?.lots ?? []) add(lot);
  for (const [key, points] of lots) if (points === 0) lots.delete(key);
  return { entries, days, lots };
}

async function expectModelEqualsLedger() {
  const expected = await truth();
  const days = await readDailyFlows(tenantId, '0000-01-01', '9999-12-31');
  expect(Object.fromEntries(days)).toEqual(Object.fromEntries(expected.days));
  expect(Object.fromEntries(await readLiability(tenantId))).toEqual(Object.fromEntries(expected.lots));
  return expected;
}

const base = () => `/api/v1/admin/tenants/${tenantId}`;

describe('reports read model', { timeout: 120_000 }, () => {
  it('equals the ledger after earns, redeems, a reversal, a committed hold, an expiry sweep and an adjustment', async () => {
    ok(await partner.putAccount('r-1'), 'put r-1');
    ok(await partner.earn({ accountId: 'r-1', source: { type: 'purchase', orderId: 'r1-o1', subtotalCents: 120_000 } }), 'earn r-1');
    ok(await partner.earn({ accountId: 'r-1', source: { type: 'bonus', campaignId: 'welcome', points: 20_000 } }), 'bonus r-1');
    ok(await partner.redeem({ accountId: 'r-1', points: 5_000, orderId: 'r1-checkout' }), 'redeem r-1');
    ok(await partner.reverse({ accountId: 'r-1', orderId: 'r1-o1', points: 1_000, reason: 'chargeback' }), 'chargeback r-1');
    const hold = await partner.hold({ accountId: 'r-1', points: 5_000, orderId: 'r1-hold', holdSeconds: 60 });
    ok(hold, 'hold r-1');
    ok(await partner.commitHold(hold.body.redemptionId), 'commit r-1');

    ok(await partner.putAccount('r-2'), 'put r-2');
    ok(
      await partner.earn({ accountId: 'r-2', source: { type: 'promotion', campaignId: 'flash', points: 700, expiresInDays: 30 } }),
      'promo r-2',
    );
    ok(await partner.earn({ accountId: 'r-2', source: { type: 'bonus', campaignId: 'welcome', points: 300 } }), 'bonus r-2');
    const swept = await sweepTenantExpiry({ tenantId, asOf: new Date(Date.now() + 40 * DAY_MS).toISOString() });
    expect(swept.pointsExpired).toBe(700);

    ok(await partner.putAccount('r-3'), 'put r-3');
    const requester = await harness.api.operator('rpt-admin-1', ['tenant_admin'], tenantId);
    const approver = await harness.api.operator('rpt-admin-2', ['tenant_admin'], tenantId);
    const requested = await requester.call('POST', `${base()}/adjustments`, {
      accountId: 'r-3',
      points: 50,
      reasonCode: 'goodwill',
      ticket: 'SUP-1',
      note: 'reports test',
    });
    expect(requested.status).toBe(202);
    ok(await approver.call('POST', `${base()}/approvals/${requested.body.approvalId}/approve`, {}), 'approve');
    await vi.waitFor(
      async () => {
        const shown = await requester.call('GET', `${base()}/approvals/${requested.body.approvalId}`);
        if (shown.body.status !== 'applied') throw new Error(`adjustment ${shown.body.status}`);
      },
      { timeout: 15_000, interval: 50 },
    );

    await poller.drain();
    const expected = await expectModelEqualsLedger();
    const types = new Set(expected.entries.map((entry) => entry.type));
    expect([...types].sort()).toEqual(['ADJUSTMENT', 'EARN', 'EXPIRE', 'REDEEM', 'REVERSAL']);
    expect((await reconcileReports(tenantId)).differences).toEqual([]);
  });

  it('counts a stream batch delivered twice once (and a third time too)', async () => {
    expect(delivered.length).toBeGreaterThan(0);
    const before = await readDailyFlows(tenantId, '0000-01-01', '9999-12-31');
    for (const event of delivered) {
      expect((await reports(event)).batchItemFailures).toEqual([]);
      expect((await reports(event)).batchItemFailures).toEqual([]);
    }
    expect(await readDailyFlows(tenantId, '0000-01-01', '9999-12-31')).toEqual(before);
    await expectModelEqualsLedger();
  });

  it('the routes answer the read model, to finance and support; a partner key is refused', async () => {
    const finance = await harness.api.operator('rpt-finance', ['finance'], tenantId);
    const support = await harness.api.operator('rpt-support', ['support'], tenantId);
    const expected = await truth();
    const liability = await finance.call('GET', `${base()}/reports/liability`);
    expect(liability.status).toBe(200);
    const month = new Date().toISOString().slice(0, 7);
    const live = [...expected.lots].filter(([key]) => key.slice(0, 7) >= month);
    const points = live.reduce((sum, [, value]) => sum + value, 0);
    const config = await getTenantConfigNow(tenantId);
    expect(liability.body).toMatchObject({
      tenantId,
      points,
      valueCents: Math.floor(points / ruleInForce(config!, new Date().toISOString())!.redemption.pointsPerCent),
      expiredAwaitingSweep: { points: 0, byType: {} },
    });
    const byType: Record<string, number> = {};
    for (const [key, value] of live) byType[key.slice(8)] = (byType[key.slice(8)] ?? 0) + value;
    expect(liability.body.byType).toEqual(byType);
    expect(liability.body.byExpiryMonth.reduce((sum: number, row: { points: number }) => sum + row.points, 0)).toBe(points);

    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10);
    const daily = await support.call('GET', `${base()}/reports/daily?from=${from}&to=${today}`);
    expect(daily.status).toBe(200);
    expect(daily.body.days).toHaveLength(3);
    expect(daily.body.days[0]).toEqual({ day: from, issued: 0, redeemed: 0, expired: 0, adjusted: 0, reversed: 0 });
    expect(daily.body.days[2]).toEqual({ day: today, ...expected.days.get(today) });

    expect((await finance.call('GET', `${base()}/reports/daily?from=${today}&to=${from}`)).body.code).toBe('validation_error');
    expect((await finance.call('GET', `${base()}/reports/daily?from=2025-01-01&to=2026-01-02`)).status).toBe(400);
    expect((await finance.call('GET', `${base()}/reports/daily?from=2025-01-01&to=2026-01-01`)).status).toBe(200);
    expect((await finance.call('GET', `${base()}/reports/daily?from=2025-02-30&to=2025-03-01`)).status).toBe(400);

    const asPartner = operatorClient(harness.api.baseUrl, 'not-a-token');
    const withKey = await partnerKeyCall(`${base()}/reports/liability`);
    expect([401, 403]).toContain(withKey);
    expect([401, 403]).toContain((await asPartner.call('GET', `${base()}/reports/liability`)).status);
    const otherTenant = await harness.api.operator('rpt-other', ['finance'], 'someone-else');
    // Another tenant's operator: not found, as every admin route answers it (no tenant's existence is revealed).
    expect((await otherTenant.call('GET', `${base()}/reports/liability`)).status).toBe(404);
  });

  it('npm run admin -- reconcile-reports exits 0 when the read model matches, 1 after a day item is tampered with, 2 on usage errors', async () => {
    const localDir = await mkdtemp(join(tmpdir(), 'rrr-reports-cli-'));
    try {
      await writeFile(
        join(localDir, 'credentials.json'),
        JSON.stringify({ dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, tableName: process.env.TABLE_NAME }),
      );
      const admin = (args: string[]) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'reconcile-reports', ...args], {
          cwd: new URL('../..', import.meta.url).pathname,
          env: { ...process.env, RRR_LOCAL_DIR: localDir, RRR_BASE_URL: '' },
        });
      const clean = await admin(['--tenant', tenantId]);
      expect(JSON.parse(clean.stdout)).toMatchObject({ tenantId, differences: [] });

      const today = new Date().toISOString().slice(0, 10);
      await getDocumentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: reportKeys.day(tenantId, reportShard('r-1'), today),
          UpdateExpression: 'ADD issued :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
      await expect(admin(['--tenant', tenantId])).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringContaining(`day ${today} issued: read model`),
      });
      await expect(admin([])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--tenant is required/) });
    } finally {
      await rm(localDir, { recursive: true, force: true });
    }
  });
});

async function partnerKeyCall(path: string): Promise<number> {
  const response = await fetch(`${harness.api.baseUrl}${path}`, { headers: { 'x-api-key': partnerKey } });
  await response.text();
  return response.status;
}
