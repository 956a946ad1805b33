import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../functions/audit/layout.ts';
import { readLedgerRange } from '../../functions/audit/ledger-reader.ts';
import { sealDay } from '../../functions/audit/seal.ts';
import { readFetchedFolder } from '../../functions/audit/fetched-folder.ts';
import { describeProblem, verifyExport } from '../../functions/audit/verify.ts';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';
import type { StreamPoller } from '../../local/stream-poller.ts';
import { operatorClient } from '../support/local-api.ts';
import {
  ledgerOf,
  newPartner,
  runCli,
  runTwoDayWorkload,
  sealedDay,
  startAuditHarness,
  tableLedgerEntries,
  type AuditHarness,
} from './harness.ts';

/**
 * The whole path offline: requests through the local gateway, DynamoDB Local's stream read by
 * the poller into the real exporter handler, the local S3, sealing, and finance's tools.
 */
const DAYS: [string, string] = ['2026-03-10', '2026-03-11'];
let harness: AuditHarness;
let poller: StreamPoller;
let tenants: string[];
let fetchedDir: string;
const today = () => new Date().toISOString().slice(0, 10);
/** The UTC days a step ran across: one, or two when it straddled midnight. */
async function daysAcross(step: () => Promise<void>): Promise<string[]> {
  const first = today();
  await step();
  return [...new Set([first, today()])];
}
let creationDays: string[];

beforeAll(async () => {
  harness = await startAuditHarness();
  poller = harness.poller();
  let acme!: Awaited<ReturnType<typeof newPartner>>;
  let globex!: Awaited<ReturnType<typeof newPartner>>;
  creationDays = await daysAcross(async () => {
    acme = await newPartner(harness.api);
    globex = await newPartner(harness.api);
  });
  tenants = [acme.tenantId, globex.tenantId];
  // One after the other: the faked clock is the process's.
  await runTwoDayWorkload(acme.client, DAYS, 3);
  await runTwoDayWorkload(globex.client, DAYS, 4);
  await poller.drain();
  for (const tenantId of tenants) {
    for (const day of [...DAYS, ...creationDays]) {
      const outcome = await sealDay({ store: harness.store, tenantId, day, now: new Date(), readLedger: readLedgerRange });
      expect(outcome.status === 'sealed' && outcome.problems, `${tenantId} ${day}`).toEqual([]);
    }
  }
  fetchedDir = await mkdtemp(join(tmpdir(), 'rrr-audit-fetch-'));
}, 120_000);

afterAll(async () => {
  await harness?.close();
  if (fetchedDir) await rm(fetchedDir, { recursive: true, force: true });
});

describe('export of a two-day workload across two tenants', () => {
  it("holds exactly each day's ledger entries (count and content), each once, and the seal verifies", async () => {
    for (const tenantId of tenants) {
      const inTable = await tableLedgerEntries(tenantId);
      expect(inTable.length).toBeGreaterThan(10);
      expect(new Set(inTable.map((entry) => dayOf(entry.createdAt)))).toEqual(new Set(DAYS));
      for (const day of DAYS) {
        const { manifest, records, files, manifestBody } = await sealedDay(harness.store, tenantId, day);
        const expected = inTable.filter((entry) => dayOf(entry.createdAt) === day);
        expect(ledgerOf(records), `${tenantId} ${day}`).toEqual(expected);
        expect(manifest.kinds['ledger.entry']).toBe(expected.length);
        expect(new Set(records.map((record) => record.recordId)).size).toBe(records.length);
        expect(verifyExport({ manifest: manifestBody, files })).toMatchObject({ ok: true });
      }
      // Day two starts mid-chain for the accounts that were active on day one.
      const second = await sealedDay(harness.store, tenantId, DAYS[1]);
      expect(second.wallets.find((wallet) => wallet.accountId === 'member-1')).toMatchObject({
        firstSeq: 4,
        prevHash: expect.not.stringMatching(/^0+$/),
      });
      // Tenant creation and its partner key are audit events of the day they happened.
      const events = (await Promise.all(creationDays.map((day) => sealedDay(harness.store, tenantId, day)))).flatMap((day) => day.records);
      expect(events.map((record) => record.kind).sort()).toEqual(['partner_key.created', 'tenant.created']);
      expect(JSON.stringify(events)).not.toMatch(/keyHash/);
    }
  });

  it("rrr-audit fetch downloads a day with the previous day's manifest, and rrr-audit verify passes offline", async () => {
    const fetched = await runCli(['fetch', '--tenant', tenants[0]!, '--day', DAYS[1], '--out', fetchedDir], harness.s3);
    expect(fetched, fetched.stderr).toMatchObject({ code: 0 });
    expect(fetched.stdout).toMatch(/previous day 2026-03-10's manifest/);
    expect((await readdir(fetchedDir)).sort()).toEqual(expect.arrayContaining(['manifest.json', 'previous-manifest.json']));
    const verified = await runCli(['verify', fetchedDir], harness.s3);
    expect(verified, verified.stderr).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(
      new RegExp(
        `^verify ${tenants[0]} ${DAYS[1]}: OK: 1 objects, 5 records, 3 wallets, 5 ledger entries, continuous with the previous day`,
      ),
    );
  });
});

describe('tampering with a downloaded export', () => {
  /** A copy of the fetched day with one part's lines edited; returns what verify says. */
  async function tampered(edit: (lines: string[]) => string[]) {
    const dir = await mkdtemp(join(tmpdir(), 'rrr-audit-tamper-'));
    await cp(fetchedDir, dir, { recursive: true });
    const part = (await readdir(dir)).find((name) => name.endsWith('.jsonl.gz'))!;
    const lines = gunzipSync(await readFile(join(dir, part)))
      .toString('utf8')
      .trim()
      .split('\n');
    await writeFile(join(dir, part), gzipSync(`${edit(lines).join('\n')}\n`));
    const result = verifyExport(await readFetchedFolder(dir));
    return { dir, part, result };
  }
  /** The line of member-1's entry with this sequence number. */
  const indexOf = (lines: string[], seq: number) =>
    lines.findIndex((line) => JSON.parse(line).recordId === `ledger:member-1:points:${seq}`);

  it('a deleted entry: verify fails, naming the object, wallet and sequence (and the CLI exits 1)', async () => {
    const { dir, part, result } = await tampered((lines) => lines.filter((_, index) => index !== indexOf(lines, 5)));
    expect(result.ok).toBe(false);
    expect(result.first).toMatchObject({ object: part, wallet: 'member-1/points', seq: 5 });
    expect(describeProblem(result.first!)).toMatch(/seq 5 is missing/);
    const cli = await runCli(['verify', dir], harness.s3);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(
      new RegExp(
        `first failure: object ${part} line \\d+, wallet member-1/points, seq 5: seq 5 is missing \\(the export goes from seq 4 to seq 6\\)`,
      ),
    );
    await rm(dir, { recursive: true, force: true });
  });

  it('an altered entry: verify fails at that entry', async () => {
    const { dir, part, result } = await tampered((lines) => {
      const at = indexOf(lines, 5);
      const record = JSON.parse(lines[at]!);
      record.entry.amount += 1000;
      lines[at] = JSON.stringify(record);
      return lines;
    });
    expect(result.first).toMatchObject({ object: part, wallet: 'member-1/points', seq: 5 });
    expect(describeProblem(result.first!)).toMatch(/seq 5 was altered/);
    expect(result.problems.map(describeProblem)).toContainEqual(expect.stringMatching(/SHA-256 is \w+, the manifest says/));
    await rm(dir, { recursive: true, force: true });
  });

  it('two entries swapped: verify fails at the first one out of place', async () => {
    const { dir, result } = await tampered((lines) => {
      const at = indexOf(lines, 4);
      [lines[at], lines[at + 1]] = [lines[at + 1]!, lines[at]!];
      return lines;
    });
    expect(result.first).toMatchObject({ wallet: 'member-1/points', seq: 4 });
    expect(describeProblem(result.first!)).toMatch(/seq 4 is out of order/);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('finance route: a sealed day with download links', () => {
  const path = (tenantId: string, day: string) => `/api/v1/admin/tenants/${tenantId}/audit-exports/${day}`;

  it("lists the day's objects with presigned URLs that download exactly the listed bytes", async () => {
    const finance = operatorClient(harness.api.baseUrl, await harness.api.operatorToken(['finance']));
    const response = await finance.call('GET', path(tenants[1]!, DAYS[0]));
    expect(response.status).toBe(200);
    const { manifest } = await sealedDay(harness.store, tenants[1]!, DAYS[0]);
    expect(response.body).toMatchObject({
      tenantId: tenants[1],
      day: DAYS[0],
      revision: 1,
      recordCount: manifest.recordCount,
      dayClosed: true,
    });
    expect(Date.parse(response.body.urlsExpireAt) - Date.now()).toBeLessThanOrEqual(300_000);
    for (const object of response.body.objects as { url: string; sha256: string; key: string }[]) {
      expect(object.url).toContain('X-Amz-Expires=300');
      const download = Buffer.from(await (await fetch(object.url)).arrayBuffer());
      expect(createHash('sha256').update(download).digest('hex')).toBe(object.sha256);
    }
    const manifestDownload = await (await fetch(response.body.manifest.url)).json();
    expect(manifestDownload).toEqual(manifest);
  });

  it('is for finance and platform admins only, within their tenant, and for sealed days only', async () => {
    const admin = operatorClient(harness.api.baseUrl, await harness.api.operatorToken(['platform_admin']));
    expect((await admin.call('GET', path(tenants[0]!, DAYS[1]))).status).toBe(200);
    const support = operatorClient(harness.api.baseUrl, await harness.api.operatorToken(['support'], tenants[0]));
    expect((await support.call('GET', path(tenants[0]!, DAYS[1]))).status).toBe(403);
    const boundFinance = operatorClient(harness.api.baseUrl, await harness.api.operatorToken(['finance'], tenants[0]));
    expect((await boundFinance.call('GET', path(tenants[0]!, DAYS[1]))).status).toBe(200);
    expect((await boundFinance.call('GET', path(tenants[1]!, DAYS[1]))).status).toBe(404);
    const unsealed = await admin.call('GET', path(tenants[0]!, '2026-01-01'));
    expect(unsealed.status).toBe(404);
    expect(unsealed.body.detail).toMatch(/No sealed audit export/);
    expect((await admin.call('GET', path(tenants[0]!, '2026-02-30'))).status).toBe(400);
  });
});

describe('a ledger entry changed in the table', () => {
  it('is exported as a tamper event, and the day it happened no longer verifies', async () => {
    const tenantId = tenants[1]!;
    let Attributes: Record<string, unknown> | undefined;
    // The tamper event belongs to the day the change happened; a run across midnight checks both.
    const changeDays = await daysAcross(async () => {
      ({ Attributes } = await getDocumentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.ledgerEntry(tenantId, 'member-2', 'points', 1),
          UpdateExpression: 'SET amount = :amount',
          ExpressionAttributeValues: { ':amount': 1 },
          ReturnValues: 'ALL_OLD',
        }),
      ));
      await poller.drain();
    });
    expect(Attributes).toBeDefined();
    const sealed = await Promise.all(
      changeDays.map(async (day) => ({
        day,
        outcome: await sealDay({ store: harness.store, tenantId, day, now: new Date(), readLedger: readLedgerRange }),
      })),
    );
    const tampered = sealed.find(({ outcome }) => outcome.status === 'sealed' && outcome.manifest.tamperEvents > 0);
    // A day sealed before (the tenants' creation day) is sealed again as revision 2.
    const revision = creationDays.includes(tampered?.day ?? '') ? 2 : 1;
    expect(tampered?.outcome).toMatchObject({ status: 'sealed', manifest: { revision, tamperEvents: 1 } });
    const { manifestBody, files } = await sealedDay(harness.store, tenantId, tampered!.day);
    const result = verifyExport({ manifest: manifestBody, files });
    expect(result.ok).toBe(false);
    expect(describeProblem(result.first!)).toMatch(
      /wallet member-2\/points, seq 1: the ledger entry was modified in the table at .* \(the ledger is append-only\)/,
    );
  });
});

describe('lock changes', () => {
  it('are exported once each, with the operator and the reasons', async () => {
    const { tenantId, client } = await newPartner(harness.api);
    const admin = operatorClient(harness.api.baseUrl, await harness.api.operatorToken(['tenant_admin'], tenantId));
    const locks = `/api/v1/admin/tenants/${tenantId}/accounts/locked-1/locks`;
    let lockId = '';
    const days = await daysAcross(async () => {
      expect((await client.putAccount('locked-1')).status).toBe(201);
      const applied = await admin.call('POST', locks, { kind: 'redemption', reasonCode: 'chargeback_review' });
      expect(applied.status).toBe(201);
      lockId = applied.body.lockId;
      expect((await admin.call('POST', `${locks}/${lockId}/lift`, { reasonCode: 'resolved' })).status).toBe(200);
      await poller.drain();
    });
    const records = [];
    for (const day of days) {
      await sealDay({ store: harness.store, tenantId, day, now: new Date(), readLedger: readLedgerRange });
      records.push(...(await sealedDay(harness.store, tenantId, day)).records);
    }
    const lockRecords = records.filter((record) => record.kind.startsWith('account.lock_'));
    expect(lockRecords.map((record) => record.kind)).toEqual(['account.lock_applied', 'account.lock_lifted']);
    expect(lockRecords[0]).toMatchObject({ event: { lock: { lockId, reasonCode: 'chargeback_review' }, actor: { kind: 'operator' } } });
    expect(lockRecords[1]).toMatchObject({ event: { reasonCode: 'resolved', lock: { lockId } } });
  });
});
