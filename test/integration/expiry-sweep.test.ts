import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { listTenantIds } from '../../functions/store/expiry-index.ts';
import { keys } from '../../functions/store/keys.ts';
import { joinTenantDirectory } from '../../functions/store/tenants.ts';
import { ensureTenant } from '../../functions/usecases/provision-tenant.ts';
import { sweepTenantExpiry } from '../../functions/usecases/expire-lots.ts';
import { allLedgerEntries, auditAccount } from '../support/ledger-audit.ts';
import { partnerClient, startPartnerApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { lotsFor, seedLots } from '../support/seed-lots.ts';

let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;
const seededAt = new Date().toISOString();

const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

beforeAll(async () => {
  ({ api, tenantId, partner } = await startPartnerApi());
  // Lots already expired are seeded before any sweep: the service itself never creates one (the
  // sweep's mark assumes so), so they must be there before the mark passes their days.
  await partner.putAccount('exp-2');
  await seedLots(tenantId, 'exp-2', lotsFor(8, 6, seededAt, 100), seededAt);
});
afterAll(() => api?.close());

/** The account's ledger, balance and lots agree (SPEC 2: balance = ledger sum = lots - debt), pages match the summary, the chain holds. */
async function expectConsistent(accountId: string, ledgerComplete = true) {
  const audit = await auditAccount(tenantId, accountId);
  if (ledgerComplete) expect(audit.ledgerSum).toBe(audit.balance);
  expect(audit.lotsMinusDebt).toBe(audit.balance);
  expect(audit.pageSummaryViolations).toEqual([]);
  expect(audit.chainBreak).toBeUndefined();
  expect(audit.headMatches).toBe(true);
  return audit;
}

describe('expiry sweep', { timeout: 120_000 }, () => {
  it('lists the tenant from the index (no scan)', async () => {
    expect(await listTenantIds()).toContain(tenantId);
  });

  it('backfill: a tenant stored before the directory (no GSI1PK) is listed once provisioned again or joined', async () => {
    const forget = () =>
      getDocumentClient().send(
        new UpdateCommand({ TableName: tableName(), Key: keys.tenant(tenantId), UpdateExpression: 'REMOVE GSI1PK, GSI1SK' }),
      );
    await forget();
    expect(await listTenantIds()).not.toContain(tenantId);
    await ensureTenant({ tenantId, displayName: 'again' });
    expect(await listTenantIds()).toContain(tenantId);
    await forget();
    expect(await joinTenantDirectory(tenantId)).toBe(true);
    expect(await joinTenantDirectory(tenantId)).toBe(false);
    expect(await joinTenantDirectory('no-such-tenant')).toBe(false);
    expect(await listTenantIds()).toContain(tenantId);
  });

  // First: a sweep as of a later instant would write these off too (they are due then as well).
  it('writes off lots of months already over (pages outside the summary) and keeps debt as it was', async () => {
    // 6 lots of 100 expired on the 3 days before (last month's page near a month's start), 2 live.
    const now = new Date().toISOString();
    const before = await expectConsistent('exp-2', false);
    expect(before.balance).toBe(800);
    // Debt: earn 6,000, redeem 5,000, reverse the order: the live lots pay 1,200, the rest is debt.
    await partner.earn({ accountId: 'exp-2', source: { type: 'purchase', orderId: 'o-2', subtotalCents: 50_000 } });
    expect((await partner.redeem({ accountId: 'exp-2', points: 5000, orderId: 'r-2' })).status).toBe(201);
    expect((await partner.reverse({ accountId: 'exp-2', orderId: 'o-2' })).status).toBe(201);
    const indebted = await expectConsistent('exp-2', false);
    expect(indebted.account.wallets.points.debt).toBeGreaterThan(0);

    const report = await sweepTenantExpiry({ tenantId, asOf: now });
    expect(report).toMatchObject({ lotsExpired: 6, pointsExpired: 600, complete: true });
    const after = await expectConsistent('exp-2', false);
    expect(after.balance).toBe(indebted.balance - 600);
    expect(after.account.wallets.points.debt).toBe(indebted.account.wallets.points.debt);
    const expires = after.entries.filter((entry) => entry.type === 'EXPIRE');
    expect(expires).toHaveLength(6);
    expect(expires.every((entry) => entry.amount === -100 && entry.debtAfter === indebted.account.wallets.points.debt)).toBe(true);
    expect(after.account.wallets.points.pastPoints ?? 0).toBe(0);
    const twice = await sweepTenantExpiry({ tenantId, asOf: now });
    expect(twice.lotsExpired).toBe(0);
    expect(await allLedgerEntries(tenantId, 'exp-2')).toHaveLength(after.entries.length);
  });

  it('writes one EXPIRE entry per lot due, balance and ledger agree after it, and a second run writes nothing', async () => {
    await partner.putAccount('exp-1');
    expect(
      (await partner.earn({ accountId: 'exp-1', source: { type: 'promotion', campaignId: 'c1', points: 500, expiresInDays: 30 } })).status,
    ).toBe(201);
    expect((await partner.earn({ accountId: 'exp-1', source: { type: 'bonus', campaignId: 'c2', points: 70 } })).status).toBe(201);
    expect((await partner.earn({ accountId: 'exp-1', source: { type: 'purchase', orderId: 'o-1', subtotalCents: 10_000 } })).status).toBe(
      201,
    );
    // 40 days on, the promotion lot (30 days) is due; the bonus and purchase lots (365 days) are not.
    const first = await sweepTenantExpiry({ tenantId, asOf: inDays(32) });
    expect(first).toMatchObject({ committed: 1, lotsExpired: 1, pointsExpired: 500, complete: true });
    const audit = await expectConsistent('exp-1');
    const expires = audit.entries.filter((entry) => entry.type === 'EXPIRE');
    expect(expires).toHaveLength(1);
    expect(expires[0]).toMatchObject({
      amount: -500,
      balanceAfter: 70 + 1200,
      debtAfter: 0,
      actor: { kind: 'system', id: 'expiry-sweep' },
    });
    expect(expires[0]!.lots).toEqual([expect.objectContaining({ type: 'promotion', points: 500 })]);

    const again = await sweepTenantExpiry({ tenantId, asOf: inDays(32) });
    expect(again).toMatchObject({ committed: 0, lotsExpired: 0, complete: true });
    expect(await allLedgerEntries(tenantId, 'exp-1')).toHaveLength(audit.entries.length);
  });

  it("a tenant's first sweep as of a later instant finds lots falling due from now on (more than a week before that instant)", async () => {
    const fresh = await api.newTenant();
    const client = partnerClient(api.baseUrl, fresh.partnerKey);
    await client.putAccount('exp-5');
    await client.earn({ accountId: 'exp-5', source: { type: 'promotion', campaignId: 'c5', points: 40, expiresInDays: 30 } });
    const report = await sweepTenantExpiry({ tenantId: fresh.tenantId, asOf: inDays(60) });
    expect(report).toMatchObject({ lotsExpired: 1, pointsExpired: 40, complete: true });
  });

  it('two sweeps racing expire each lot once', async () => {
    await partner.putAccount('exp-3');
    await partner.earn({ accountId: 'exp-3', source: { type: 'promotion', campaignId: 'c3', points: 300, expiresInDays: 30 } });
    const asOf = inDays(32);
    const [a, b] = await Promise.all([sweepTenantExpiry({ tenantId, asOf }), sweepTenantExpiry({ tenantId, asOf })]);
    const audit = await expectConsistent('exp-3');
    expect(audit.entries.filter((entry) => entry.type === 'EXPIRE')).toHaveLength(1);
    expect(a.lotsExpired + b.lotsExpired).toBe(1);
  });

  it('npm run admin -- expire runs the same sweep against the local table named in credentials.json, and prints the summary', async () => {
    await partner.putAccount('exp-4');
    await partner.earn({ accountId: 'exp-4', source: { type: 'promotion', campaignId: 'c4', points: 250, expiresInDays: 30 } });
    const localDir = await mkdtemp(join(tmpdir(), 'rrr-expire-cli-'));
    try {
      await writeFile(
        join(localDir, 'credentials.json'),
        JSON.stringify({ dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, tableName: process.env.TABLE_NAME }),
      );
      const admin = (args: string[]) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'expire', ...args], {
          cwd: new URL('../..', import.meta.url).pathname,
          env: { ...process.env, RRR_LOCAL_DIR: localDir, RRR_BASE_URL: '' },
        });
      // A tenant stored before the directory: named by hand, it is swept and joins the directory.
      await getDocumentClient().send(
        new UpdateCommand({ TableName: tableName(), Key: keys.tenant(tenantId), UpdateExpression: 'REMOVE GSI1PK, GSI1SK' }),
      );
      const first = await admin(['--tenant', tenantId, '--as-of', inDays(32)]);
      expect(JSON.parse(first.stdout)).toEqual({ tenants: 1, expiredLots: 1, points: 250, complete: true });
      expect(await listTenantIds()).toContain(tenantId);
      const audit = await expectConsistent('exp-4');
      expect(audit.entries.filter((entry) => entry.type === 'EXPIRE')).toHaveLength(1);
      const again = await admin(['--tenant', tenantId, '--as-of', inDays(32)]);
      expect(JSON.parse(again.stdout)).toEqual({ tenants: 1, expiredLots: 0, points: 0, complete: true });
      await expect(admin(['--tenant', 'no-such-tenant'])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/^admin: no tenant "no-such-tenant"/),
      });
    } finally {
      await rm(localDir, { recursive: true, force: true });
    }
  });
});
