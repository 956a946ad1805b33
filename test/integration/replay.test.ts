import { MIN_EFFECTIVE_LEAD_MS } from '../../functions/domain/tenant-config.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';
import { operatorClient, partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';

/**
 * The replay tool (`npm run admin -- replay`): earns made, the tenant's rules then changed, and
 * the replay still recomputes every earn to what the ledger recorded (history not rewritten);
 * an entry whose amount was changed in the table is a difference, exit 1; an entry without its
 * stored event is not replayable, not a difference.
 */

const run = promisify(execFile);
let api: LocalApi;
let tenantId: string;
let partner: PartnerClient;
let admin: ReturnType<typeof operatorClient>;
let token: string;

beforeAll(async () => {
  api = await startLocalApi();
  const tenant = await api.newTenant();
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
  token = await api.operatorToken(['platform_admin']);
  admin = operatorClient(api.baseUrl, token);
}, 60_000);
afterAll(() => api?.close());

let order = 0;
const purchase = (accountId: string, subtotalCents: number) =>
  partner.earn({ accountId, source: { type: 'purchase', orderId: `rp-${accountId}-${++order}`, subtotalCents } });

async function replay(args: string[]): Promise<{ code: number; report: Record<string, unknown>; stderr: string }> {
  const result = await run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'replay', '--tenant', tenantId, ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, RRR_BASE_URL: api.baseUrl, RRR_OPERATOR_TOKEN: token },
  }).then(
    (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return { code: result.code, report: result.stdout ? JSON.parse(result.stdout) : {}, stderr: result.stderr };
}

const setEntry = (accountId: string, seq: number, update: string, values?: Record<string, unknown>) =>
  getDocumentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.ledgerEntry(tenantId, accountId, 'points', seq),
      UpdateExpression: update,
      ...(values ? { ExpressionAttributeValues: values } : {}),
    }),
  );

describe('replay of earns', () => {
  it('a rule change does not rewrite history; a tampered amount is a difference (exit 1)', async () => {
    for (const account of ['rp-1', 'rp-2']) expect((await partner.putAccount(account)).status).toBe(201);
    expect((await purchase('rp-1', 10_000)).body).toMatchObject({ points: 1200, ruleVersion: 1 });
    expect((await purchase('rp-2', 2_550)).status).toBe(201);
    expect((await partner.earn({ accountId: 'rp-2', source: { type: 'bonus', campaignId: 'welcome', points: 50 } })).status).toBe(201);

    // The rules change: a version a minute (and a bit) from now, then the clock moves past it.
    const effectiveFrom = new Date(Date.now() + MIN_EFFECTIVE_LEAD_MS + 1000).toISOString();
    const changed = await admin.call('PUT', `/api/v1/admin/tenants/${tenantId}/config`, {
      effectiveFrom,
      earning: { purchasePointsPerUsd: 50 },
    });
    expect(changed.status).toBe(201);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(effectiveFrom) + 1_000);
    const later = await purchase('rp-1', 10_000).finally(() => vi.useRealTimers());
    expect(later.body).toMatchObject({ ruleVersion: 2 });
    expect(later.body.points).toBeGreaterThan(1200);

    // The operator's ledger shows the stored event; the partner's view does not.
    const ledger = await admin.call('GET', `/api/v1/admin/tenants/${tenantId}/accounts/rp-1/ledger`);
    expect(ledger.body.items[0]).toMatchObject({ pricing: { subtotalCents: 10_000, tier: expect.any(String) }, ruleVersion: 2 });
    const history = await partner.transactions('accountId=rp-1');
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).not.toContain('subtotalCents');

    const clean = await replay(['--account', 'rp-1', '--account', 'rp-2']);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.report).toMatchObject({ checked: 4, replayable: 3, notReplayable: 0, explicitPoints: 1, differences: [] });

    // A window on occurredAt: only the earn after the change.
    const windowed = await replay(['--account', 'rp-1', '--account', 'rp-2', '--from', effectiveFrom]);
    expect(windowed.report).toMatchObject({ checked: 1, replayable: 1, differences: [] });

    // An older entry without its stored event: not replayable, not a difference.
    await setEntry('rp-2', 1, 'REMOVE pricing');
    // A tampered amount: a difference, exit 1.
    await setEntry('rp-1', 1, 'SET amount = :amount', { ':amount': 1300 });
    const tampered = await replay(['--account', 'rp-1', '--account', 'rp-2']);
    expect(tampered.code).toBe(1);
    expect(tampered.report).toMatchObject({
      checked: 4,
      replayable: 2,
      notReplayable: 1,
      notReplayableEntries: [{ accountId: 'rp-2', seq: 1, reason: 'not replayable (no stored event)' }],
      differences: [
        { accountId: 'rp-1', seq: 1, recorded: { amount: 1300, ruleVersion: 1 }, recomputed: { amount: 1200, ruleVersion: 1 } },
      ],
    });
  }, 60_000);

  it('usage mistakes are one line, exit 2', async () => {
    // Without --account the whole tenant is replayed from the audit export: a stage's bucket is required.
    const noAccount = await replay([]);
    expect(noAccount.code).toBe(2);
    expect(noAccount.stderr).toMatch(/RRR_BASE_URL is set but no audit bucket is/);
    const badFrom = await replay(['--account', 'rp-1', '--from', 'yesterday']);
    expect(badFrom.code).toBe(2);
    expect(badFrom.stderr).toMatch(/--from must be an ISO 8601 instant/);
  });
});
