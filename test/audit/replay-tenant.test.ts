import { execFile } from 'node:child_process';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays } from '../../functions/audit/layout.ts';
import { readLedgerRange } from '../../functions/audit/ledger-reader.ts';
import { sealDay } from '../../functions/audit/seal.ts';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';
import type { StreamPoller } from '../../local/stream-poller.ts';
import { newPartner, startAuditHarness, type AuditHarness } from './harness.ts';

/**
 * `npm run admin -- replay --tenant T` without --account, on the real path: earns over three
 * UTC days through the local gateway, DynamoDB Local's stream through the real exporter into the
 * local S3, two of the days sealed, the third left unsealed; the CLI reads the configuration over
 * the admin API and the earns from the sealed export only.
 */
const [D1, D2, D3] = ['2026-03-10', '2026-03-11', '2026-03-12'] as const;
let harness: AuditHarness;
let poller: StreamPoller;
let tenantId: string;
let token: string;
/** The earns made, by the day they were recorded, and the transactions of the purchases. */
const purchases: { accountId: string; transactionId: string; points: number; day: string; occurredAt: string }[] = [];
let bonusesD1 = 0;

type Report = Record<string, any>;

async function earnAt(
  client: Awaited<ReturnType<typeof newPartner>>['client'],
  accountId: string,
  source: Record<string, unknown>,
  occurredAt?: string,
) {
  const answer = await client.earn({ accountId, source, ...(occurredAt ? { occurredAt } : {}) });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as { transactionId: string; points: number };
}

beforeAll(async () => {
  harness = await startAuditHarness();
  poller = harness.poller();
  const partner = await newPartner(harness.api);
  tenantId = partner.tenantId;
  token = await harness.api.operatorToken(['platform_admin']);
  const { client } = partner;
  let order = 0;
  const purchase = async (accountId: string, subtotalCents: number, occurredAt?: string) => {
    const now = new Date().toISOString();
    const body = await earnAt(client, accountId, { type: 'purchase', orderId: `o-${(order += 1)}`, subtotalCents }, occurredAt);
    purchases.push({
      accountId,
      transactionId: body.transactionId,
      points: body.points,
      day: now.slice(0, 10),
      occurredAt: occurredAt ?? now,
    });
  };
  // The faked clock is the process's: requests one after the other.
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  try {
    vi.setSystemTime(new Date(`${D1}T09:00:00.000Z`));
    for (const id of ['m-1', 'm-2', 'm-3']) expect((await client.putAccount(id)).status).toBe(201);
    await purchase('m-1', 10_000);
    await purchase('m-2', 2_550);
    await earnAt(client, 'm-3', { type: 'bonus', campaignId: 'welcome', points: 500 });
    bonusesD1 += 1;
    vi.setSystemTime(new Date(`${D2}T10:00:00.000Z`));
    await purchase('m-1', 20_000);
    await purchase('m-3', 5_000);
    // Recorded on D2, occurred on D1: the window is on occurredAt, the export filed by recording day.
    await purchase('m-2', 1_000, `${D1}T20:00:00.000Z`);
    await earnAt(client, 'm-1', { type: 'promotion', campaignId: 'spring', points: 300, expiresInDays: 30 });
    vi.setSystemTime(new Date(`${D3}T11:00:00.000Z`));
    await purchase('m-2', 7_500);
  } finally {
    vi.useRealTimers();
  }
  await poller.drain();
  // D1 and D2 are sealed (closed days: the clock is long past them); D3 is exported, never sealed.
  for (const day of [D1, D2]) {
    const outcome = await sealDay({ store: harness.store, tenantId, day, now: new Date(), readLedger: readLedgerRange });
    expect(outcome.status === 'sealed' && outcome.problems, day).toEqual([]);
  }
}, 120_000);

afterAll(() => harness?.close());

function replay(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/admin.ts',
        'replay',
        '--tenant',
        tenantId,
        '--bucket',
        harness.s3.bucket,
        '--endpoint',
        harness.s3.endpoint,
        ...args,
      ],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        env: { ...process.env, RRR_BASE_URL: harness.api.baseUrl, RRR_OPERATOR_TOKEN: token, RRR_AUDIT_BUCKET: '' },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, report: stdout ? (JSON.parse(stdout) as Report) : {}, stderr }),
    );
  });
}

const recordedOn = (...days: string[]) => purchases.filter((p) => days.includes(p.day));

describe('whole-tenant replay from the sealed audit export', () => {
  it('without a window: every sealed day read, each earn checked once; the unsealed day named and not read (exit 0)', async () => {
    const { code, report, stderr } = await replay([]);
    expect(code, stderr).toBe(0);
    const sealedPurchases = recordedOn(D1, D2).length;
    expect(report).toMatchObject({
      tenantId,
      source: 'audit export',
      complete: false,
      checked: sealedPurchases + bonusesD1 + 1,
      replayable: sealedPurchases,
      notReplayable: 0,
      explicitPoints: bonusesD1 + 1,
      differenceCount: 0,
      differences: [],
      exportProblemCount: 0,
    });
    expect(report.days.from).toBe(D1);
    expect(report.days.read).toEqual([D1, D2]);
    // D3 holds an earn but is not sealed: named, not read. Days after it up to today hold
    // nothing but the tenant's creation (today: open, not read).
    expect(report.days.incomplete[0]).toEqual({ day: D3, state: 'unsealed', detail: 'exported but not sealed yet: not read' });
    // (unsealed too when the tenant was made yesterday, the test having started just before midnight)
    for (const day of report.days.incomplete.slice(1)) expect(['open', 'unsealed']).toContain(day.state);
    expect(stderr).toMatch(/^admin: replay incomplete: \d+ day\(s\) in range not complete \(2026-03-12 unsealed/);
  }, 60_000);

  it('--from/--to select the recording days: the window, the day before --from, and --late-days after --to', async () => {
    // Occurred on D1, late days 0: the day before D1 (empty) and D1; the earn recorded late on D2 is not read.
    const d1 = await replay(['--from', `${D1}T00:00:00Z`, '--to', `${D2}T00:00:00Z`, '--late-days', '0']);
    expect(d1.code, d1.stderr).toBe(0);
    expect(d1.stderr).toBe('');
    expect(d1.report).toMatchObject({
      complete: true,
      days: { from: '2026-03-09', to: D1, read: [D1], empty: 1, incomplete: [] },
      checked: recordedOn(D1).length + bonusesD1,
      replayable: recordedOn(D1).length,
      differenceCount: 0,
    });

    // Occurred on D2, late days 0: D1 is read (the day before) but its earns are outside the
    // window, and D2's backdated earn (occurred on D1) is outside it too.
    const d2 = await replay(['--from', `${D2}T00:00:00Z`, '--to', `${D3}T00:00:00Z`, '--late-days', '0']);
    expect(d2.code, d2.stderr).toBe(0);
    const occurredD2 = purchases.filter((p) => p.occurredAt.startsWith(D2));
    expect(d2.report).toMatchObject({
      complete: true,
      days: { from: D1, to: D2, read: [D1, D2], incomplete: [] },
      checked: occurredD2.length + 1,
      replayable: occurredD2.length,
    });

    // Occurred on D1 with the default late days (90): the backdated earn recorded on D2 is found;
    // D3 and every later day to today are looked at, and the unsealed one is named.
    const late = await replay(['--from', `${D1}T00:00:00Z`, '--to', `${D2}T00:00:00Z`]);
    expect(late.code, late.stderr).toBe(0);
    const occurredD1 = purchases.filter((p) => p.occurredAt.startsWith(D1));
    expect(occurredD1.length).toBe(recordedOn(D1).length + 1);
    expect(late.report).toMatchObject({
      complete: false,
      days: { from: '2026-03-09', to: addDays(D1, 90), read: [D1, D2] },
      checked: occurredD1.length + bonusesD1,
      replayable: occurredD1.length,
    });
    expect(late.report.days.incomplete).toEqual([{ day: D3, state: 'unsealed', detail: 'exported but not sealed yet: not read' }]);
    expect(late.stderr).toMatch(/replay incomplete: 1 day\(s\) in range not complete \(2026-03-12 unsealed\)/);
  }, 60_000);

  it('a rule version rewritten in the table is a difference for every earn it priced, each named (exit 1)', async () => {
    const rewrite = (rate: number) =>
      getDocumentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.tenant(tenantId),
          UpdateExpression: 'SET #config.#versions[0].#earning.#rate = :rate',
          ExpressionAttributeNames: {
            '#config': 'config',
            '#versions': 'versions',
            '#earning': 'earning',
            '#rate': 'purchasePointsPerUsd',
          },
          ExpressionAttributeValues: { ':rate': rate },
        }),
      );
    // Version 1 (12 points a dollar) edited in place to 15: history rewritten, as the replay must show.
    await rewrite(15);
    try {
      const { code, report } = await replay([
        '--from',
        `${D1}T00:00:00Z`,
        '--to',
        `${D3}T00:00:00Z`,
        '--late-days',
        '0',
        '--max-listed',
        '2',
      ]);
      expect(code).toBe(1);
      const replayed = recordedOn(D1, D2);
      expect(report).toMatchObject({ complete: true, replayable: replayed.length, differenceCount: replayed.length });
      // Listed in export order (day, account, seq), capped by --max-listed; the count is whole.
      expect(report.differences).toHaveLength(2);
      const first = purchases[0]!;
      expect(first).toMatchObject({ accountId: 'm-1', points: 1200 });
      expect(report.differences[0]).toEqual({
        accountId: 'm-1',
        seq: 1,
        transactionId: first.transactionId,
        recorded: { amount: 1200, ruleVersion: 1 },
        recomputed: { amount: 1500, ruleVersion: 1 },
      });
    } finally {
      await rewrite(12);
    }
    // Put back, the history replays clean again.
    const again = await replay(['--from', `${D1}T00:00:00Z`, '--to', `${D3}T00:00:00Z`, '--late-days', '0']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.report.differenceCount).toBe(0);
  }, 60_000);
});
