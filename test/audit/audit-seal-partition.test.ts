import { gunzipSync, gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStreamBatch } from '../../functions/audit/export-batch.ts';
import { decodeJsonLines, sha256Hex } from '../../functions/audit/jsonl.ts';
import { baseName, manifestKey, PENDING_ROOT, pendingKey } from '../../functions/audit/layout.ts';
import { parseManifest, walletLabel, type DayManifest } from '../../functions/audit/manifest.ts';
import type { ObjectStore } from '../../functions/audit/object-store.ts';
import { planSeals } from '../../functions/audit/pending.ts';
import { s3ObjectStore } from '../../functions/audit/s3-objects.ts';
import { planDay, sealDay, type SealOptions } from '../../functions/audit/seal.ts';
import { describeProblem, verifyExport } from '../../functions/audit/verify.ts';
import { fetchedObjects, readWalletIndex } from '../../functions/audit/wallet-index.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { type AslDefinition, auditSealWorkflow } from '../../functions/workflows/definitions.ts';
import { localS3ClientConfig, localS3Env, startLocalS3, type LocalS3 } from '../../local/s3-local.ts';
import { runWorkflow, type TaskHandler } from '../../local/workflow-runner.ts';
import { chain, insertEntries, memoryStore, silentLog } from './support.ts';

/**
 * A big day sealed in ranges of its sort order (functions/audit/seal.ts), with the range size
 * forced down to a handful of records so several ranges, and wallets crossing their boundaries,
 * come out of a few dozen entries. The bench (bench/seal-scale.ts) runs the same code at 1M.
 */
const DAY = '2026-03-10';
const afterDay = new Date('2026-03-11T00:30:00.000Z');
/** Five quiet wallets and one busy one whose day crosses several ranges. */
const quiet = ['m-1', 'm-2', 'm-4', 'm-5', 'm-6'].map((accountId, i) =>
  chain({ tenantId: 'acme', accountId, count: 4, start: `${DAY}T0${i + 1}:00:00.000Z` }),
);
const busy = chain({ tenantId: 'acme', accountId: 'm-3', count: 30, start: `${DAY}T10:00:00.000Z` });
const all = [...quiet.flat(), ...busy];
/** The order a sealed day keeps: by account, wallet and sequence. */
const inOrder = [...all].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.seq - b.seq).map(recordIdOf);

function recordIdOf(entry: LedgerEntry): string {
  return `ledger:${entry.accountId}:${entry.wallet}:${entry.seq}`;
}

/** Interleaved, overlapping batches, some delivered twice: as a stream with retries hands them over. */
async function exportDay(store: ObjectStore, entries: LedgerEntry[]): Promise<void> {
  const interleaved = [...entries].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.accountId.localeCompare(b.accountId));
  for (let start = 0; start < interleaved.length; start += 6) {
    await exportStreamBatch(insertEntries(interleaved.slice(start, start + 8)), { store, log: silentLog });
  }
}

async function folder(store: ObjectStore, tenantId = 'acme') {
  const manifest = (await store.get(manifestKey(tenantId, DAY)))!;
  const files = new Map<string, Buffer>();
  for (const object of fetchedObjects(parseManifest(manifest))) files.set(baseName(object.key), (await store.get(object.key))!);
  return { manifest, files };
}

const recordsOf = (manifest: DayManifest, files: Map<string, Buffer>) =>
  manifest.objects.flatMap((object) => decodeJsonLines(files.get(baseName(object.key))!).records);

const sortedRanges = (manifest: DayManifest, files: Map<string, Buffer>) =>
  readWalletIndex(manifest, files).ranges.sort((a, b) => walletLabel(a).localeCompare(walletLabel(b)));

async function sealed(options: Partial<SealOptions> = {}) {
  const store = memoryStore();
  await exportDay(store, all);
  const outcome = await sealDay({ store, tenantId: 'acme', day: DAY, now: afterDay, partMaxRecords: 4, ...options });
  if (outcome.status !== 'sealed') throw new Error(`not sealed: ${outcome.status}`);
  return { store, outcome, ...(await folder(store)) };
}

describe('a day sealed in ranges', () => {
  it('holds every record once, in the order one range gives, redelivered copies dropped, and verifies', async () => {
    const whole = await sealed();
    const cut = await sealed({ rangeMaxRecords: 10, runChars: 3000 });
    expect(whole.outcome.manifest.ranges).toHaveLength(1);
    expect(cut.outcome.manifest.ranges!.length).toBeGreaterThanOrEqual(4);
    expect(cut.outcome.problems).toEqual([]);

    const manifest = parseManifest(cut.manifest);
    expect(manifest).toMatchObject({ format: 'rrr-audit-day/3', recordCount: all.length, walletCount: 6, gaps: [], backfilled: 0 });
    expect(manifest.duplicatesDropped).toBeGreaterThan(0);
    expect(manifest.duplicatesDropped).toBe(whole.outcome.manifest.duplicatesDropped);
    expect(manifest.ranges!.reduce((sum, range) => sum + range.records, 0)).toBe(all.length);
    // Each range's objects are named by their range, listed range after range.
    expect(manifest.objects.map((object) => baseName(object.key).slice(0, 12))).toEqual(
      [...manifest.objects.map((object) => baseName(object.key).slice(0, 12))].sort(),
    );
    expect(baseName(manifest.objects[0]!.key)).toMatch(/^part-r00001-00001-\w{16}\.jsonl\.gz$/);

    const records = recordsOf(manifest, cut.files).map((record) => record.recordId);
    expect(records).toEqual(inOrder);
    expect(records).toEqual(recordsOf(parseManifest(whole.manifest), whole.files).map((record) => record.recordId));

    // The busy wallet crosses range boundaries: its pieces are joined into one range in the last index object.
    expect(baseName(manifest.walletIndex.at(-1)!.key)).toMatch(/^wallets-joined-00001-/);
    const ranges = sortedRanges(manifest, cut.files);
    expect(ranges).toEqual(sortedRanges(parseManifest(whole.manifest), whole.files));
    expect(ranges.find((range) => range.accountId === 'm-3')).toMatchObject({
      firstSeq: 1,
      lastSeq: 30,
      entries: 30,
      prevHash: busy[0]!.prevHash,
      headHash: busy[29]!.hash,
      lastBalance: busy[29]!.balanceAfter,
    });
    expect(verifyExport(cut)).toMatchObject({ ok: true, problems: [], summary: { wallets: 6, entries: all.length } });

    // A day sealed in one range, as format 2 wrote it (no `ranges`), still verifies.
    const { ranges: _ranges, ...single } = parseManifest(whole.manifest);
    const version2 = JSON.stringify({ ...single, format: 'rrr-audit-day/2' });
    expect(verifyExport({ manifest: version2, files: whole.files })).toMatchObject({ ok: true, summary: { entries: all.length } });
  });

  it('seals the same objects again from the same exporter objects, and a second run changes nothing', async () => {
    const first = await sealed({ rangeMaxRecords: 10 });
    const again = await sealed({ rangeMaxRecords: 10 });
    const keys = (m: DayManifest) => [...m.objects, ...m.walletIndex].map((o) => o.key);
    expect(keys(again.outcome.manifest)).toEqual(keys(first.outcome.manifest));
    const puts = first.store.puts.length;
    expect(
      (await sealDay({ store: first.store, tenantId: 'acme', day: DAY, now: afterDay, partMaxRecords: 4, rangeMaxRecords: 10 })).status,
    ).toBe('unchanged');
    expect(first.store.puts).toHaveLength(puts);
  });

  it('fills entries the stream lost just before a range boundary from the table; without the table the gap fails verify', async () => {
    // The busy wallet alone, seq 11..20 lost: 20 records at 19 a range cut at seq 21, so range 1
    // ends at seq 10 and must fill 11..20 up to where range 2 starts.
    const lost = new Set(busy.slice(10, 20));
    const seal = async (readLedger?: SealOptions['readLedger']) => {
      const store = memoryStore();
      await exportStreamBatch(insertEntries(busy.filter((entry) => !lost.has(entry))), { store, log: silentLog });
      const options = { store, tenantId: 'acme', day: DAY, now: afterDay, rangeMaxRecords: 19, ...(readLedger ? { readLedger } : {}) };
      const plan = await planDay(options);
      expect(plan.status === 'planned' && plan.plan.ranges).toEqual([
        { range: 1, to: `0|m-3|points|${String(21).padStart(12, '0')}` },
        { range: 2, from: `0|m-3|points|${String(21).padStart(12, '0')}` },
      ]);
      return { outcome: await sealDay(options), store };
    };
    const blind = await seal();
    expect(blind.outcome.status === 'sealed' && blind.outcome.problems).toEqual([
      'wallet m-3/points seq 11..20: not delivered by the stream (no table to read it from)',
    ]);
    const failed = verifyExport(await folder(blind.store));
    expect(failed.ok).toBe(false);
    expect(failed.first).toMatchObject({ wallet: 'm-3/points', seq: 11 });

    const readLedger: SealOptions['readLedger'] = async (query) => busy.filter((e) => e.seq >= query.fromSeq && e.seq <= query.toSeq);
    const filled = await seal(readLedger);
    expect(filled.outcome).toMatchObject({ status: 'sealed', problems: [], manifest: { backfilled: 10, recordCount: 30, gaps: [] } });
    if (filled.outcome.status !== 'sealed') return;
    expect(filled.outcome.manifest.ranges).toEqual([
      { records: 20, objects: 1 },
      { from: `0|m-3|points|${String(21).padStart(12, '0')}`, records: 10, objects: 1 },
    ]);
    const day = await folder(filled.store);
    expect(recordsOf(parseManifest(day.manifest), day.files).map((record) => record.recordId)).toEqual(busy.map(recordIdOf));
    expect(verifyExport(day).ok).toBe(true);
  });

  it('detects tampering with a range: an altered record, a removed one, a forged joined wallet index', async () => {
    const { manifest: body, files } = await sealed({ rangeMaxRecords: 10 });
    const manifest = parseManifest(body);
    const middle = baseName(manifest.objects[Math.floor(manifest.objects.length / 2)]!.key);
    const lines = gunzipSync(files.get(middle)!).toString('utf8').split('\n').filter(Boolean);

    // An amount changed, the object's SHA-256 and the manifest rewritten to match: the hash chain breaks.
    const altered = lines.map((text, i) => (i === 1 ? text.replace('"amount":100', '"amount":900') : text));
    const forge = (name: string, newLines: string[]) => {
      const newBody = gzipSync(`${newLines.join('\n')}\n`);
      const forged = {
        ...manifest,
        objects: manifest.objects.map((o) =>
          baseName(o.key) === name ? { ...o, sha256: sha256Hex(newBody), records: newLines.length, bytes: newBody.length } : o,
        ),
        recordCount: manifest.recordCount - lines.length + newLines.length,
      };
      return { manifest: JSON.stringify(forged), files: new Map([...files, [name, newBody]]) };
    };
    const changed = verifyExport(forge(middle, altered));
    expect(changed.ok).toBe(false);
    const alteredId = JSON.parse(lines[1]!).recordId as string;
    const [, account, , seq] = alteredId.split(':');
    expect(changed.first).toMatchObject({ object: middle, line: 2, wallet: `${account}/points`, seq: Number(seq) });
    expect(describeProblem(changed.first!)).toMatch(/was altered|does not follow|balanceAfter/);

    // A record removed the same way: the wallet's chain shows the missing sequence number.
    const removed = verifyExport(
      forge(
        middle,
        lines.filter((_, i) => i !== 1),
      ),
    );
    expect(removed.ok).toBe(false);
    expect(removed.problems.map(describeProblem).join('\n')).toMatch(/is missing|ends at seq|out of order/);

    // The joined wallet index edited (the busy wallet's head hash): its SHA-256 and the chain's head no longer match.
    const joined = baseName(manifest.walletIndex.at(-1)!.key);
    const index = gunzipSync(files.get(joined)!).toString('utf8').replace(busy[29]!.hash, 'f'.repeat(64));
    const forgedIndex = verifyExport({ manifest: body, files: new Map([...files, [joined, gzipSync(index)]]) });
    expect(forgedIndex.ok).toBe(false);
    expect(forgedIndex.problems.map(describeProblem)).toContainEqual(expect.stringMatching(/SHA-256 is \w+, the manifest says/));
    expect(forgedIndex.problems.map(describeProblem)).toContainEqual(expect.stringMatching(/head hash/));
  });
});

describe('the AuditSeal workflow, run from its definition on the local S3', () => {
  let s3: LocalS3;
  let client: S3Client;
  let store: ObjectStore;
  let tasks: Record<string, TaskHandler>;

  beforeAll(async () => {
    s3 = await startLocalS3();
    localS3Env(s3);
    client = new S3Client(localS3ClientConfig(s3.endpoint));
    store = s3ObjectStore(s3.bucket, client);
    // The task modules as the Lambdas load them (configured from the environment above); PlanDay
    // with a range size of 10 records, so this small day is cut into several ranges.
    const { planDayTask } = await import('../../functions/workflows/audit-seal/plan-day.ts');
    tasks = {
      PlanSeals: (await import('../../functions/workflows/audit-seal/plan-seals.ts')).handler,
      PlanDay: planDayTask({ store, rangeMaxRecords: 10 }),
      SealRange: (await import('../../functions/workflows/audit-seal/seal-range.ts')).handler,
      FinishDay: (await import('../../functions/workflows/audit-seal/finish-day.ts')).handler,
    };
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('plans the marked days, seals each in ranges and joins them; the next run finds nothing to do', async () => {
    await exportDay(store, all);
    const other = chain({ tenantId: 'other', accountId: 'x-1', count: 3, start: `${DAY}T12:00:00.000Z` });
    await exportStreamBatch(insertEntries(other), { store, log: silentLog });
    expect(await planSeals({ store, now: new Date(), graceMinutes: 15 })).toHaveLength(2);

    const errors: string[] = [];
    await runWorkflow(auditSealWorkflow.definition, tasks, {}, { onTaskError: (_state, error) => errors.push(error.message) });
    expect(errors).toEqual([]);

    const acme = await folder(store);
    const manifest = parseManifest(acme.manifest);
    expect(manifest.ranges!.length).toBeGreaterThanOrEqual(4);
    expect(recordsOf(manifest, acme.files).map((record) => record.recordId)).toEqual(inOrder);
    expect(verifyExport(acme)).toMatchObject({ ok: true, summary: { wallets: 6, entries: all.length } });
    expect(verifyExport(await folder(store, 'other'))).toMatchObject({ ok: true, summary: { wallets: 1, entries: 3 } });
    expect(await store.list(PENDING_ROOT)).toEqual([]);

    const before = await store.list('exports/');
    await runWorkflow(auditSealWorkflow.definition, tasks, {});
    expect(await store.list('exports/')).toEqual(before);
  });

  it('ends a day whose step keeps failing in its Catch: the other days seal, its marker stays, and the next run seals it', async () => {
    // Four tenants on one day: one whose plan fails, one whose range fails (inside the ranges'
    // Map), one whose join fails, and one that is fine. Each failure is a task error every time.
    const tenants = ['bad-plan', 'bad-range', 'bad-finish', 'fine'];
    for (const [i, tenantId] of tenants.entries()) {
      await exportStreamBatch(insertEntries(chain({ tenantId, accountId: `t-${i}`, count: 3, start: `${DAY}T0${i + 1}:00:00.000Z` })), {
        store,
        log: silentLog,
      });
    }
    const failing = (state: string, tenantId: string): TaskHandler => {
      const real = tasks[state]! as (input: { tenantId: string }) => Promise<unknown>;
      return (async (input: { tenantId: string }) => {
        if (input.tenantId === tenantId) throw new Error(`${state} broke for ${tenantId}`);
        return real(input);
      }) as TaskHandler;
    };
    const broken = {
      ...tasks,
      PlanDay: failing('PlanDay', 'bad-plan'),
      SealRange: failing('SealRange', 'bad-range'),
      FinishDay: failing('FinishDay', 'bad-finish'),
    };

    const errors: string[] = [];
    // The execution succeeds: each failed day ended in DayFailed instead of failing the Map.
    await runWorkflow(
      auditSealWorkflow.definition,
      broken,
      {},
      { onTaskError: (state, error) => errors.push(`${state}: ${error.message}`) },
    );
    // Each failing step was tried three times (Retry: 2 more attempts) before its Catch, each a Lambda error on AWS.
    expect([...errors].sort()).toEqual(
      [
        ...Array(3).fill('PlanDay: PlanDay broke for bad-plan'),
        ...Array(3).fill('SealRange: SealRange broke for bad-range'),
        ...Array(3).fill('FinishDay: FinishDay broke for bad-finish'),
      ].sort(),
    );
    expect(verifyExport(await folder(store, 'fine'))).toMatchObject({ ok: true, summary: { wallets: 1, entries: 3 } });
    for (const tenantId of ['bad-plan', 'bad-range', 'bad-finish'])
      expect(await store.get(manifestKey(tenantId, DAY)), tenantId).toBeUndefined();
    expect((await store.list(PENDING_ROOT)).map((object) => object.key)).toEqual(
      ['bad-finish', 'bad-plan', 'bad-range'].map((tenantId) => pendingKey(DAY, tenantId)),
    );

    // The next run, with the steps working again, seals the days the markers kept.
    await runWorkflow(auditSealWorkflow.definition, tasks, {});
    for (const tenantId of ['bad-plan', 'bad-range', 'bad-finish']) {
      expect(verifyExport(await folder(store, tenantId)), tenantId).toMatchObject({ ok: true, summary: { wallets: 1, entries: 3 } });
    }
    expect(await store.list(PENDING_ROOT)).toEqual([]);
  });

  it("records the failed day and its error as the day's output (DayFailed), the Map's item processor run alone", async () => {
    const { StartAt, States } = auditSealWorkflow.definition.States.SealDays!.ItemProcessor as AslDefinition;
    const item = { tenantId: 'acme', day: DAY };
    const output = await runWorkflow(
      { StartAt, States },
      { ...tasks, PlanDay: async () => Promise.reject(new Error('no plan today')) },
      item,
    );
    expect(output).toEqual({ ...item, error: { Error: 'Error', Cause: 'no plan today' } });
  });

  it('fails the execution when PlanSeals fails (outside the Map: the workflow alarm fires), with that error', async () => {
    const errors: string[] = [];
    const run = runWorkflow(
      auditSealWorkflow.definition,
      { ...tasks, PlanSeals: async () => Promise.reject(new Error('cannot list pending/')) },
      {},
      { onTaskError: (state) => errors.push(state) },
    );
    await expect(run).rejects.toThrow('cannot list pending/');
    expect(errors).toEqual(['PlanSeals', 'PlanSeals', 'PlanSeals']);
  });

  it('refuses to run what the library would not run as AWS does', async () => {
    const { SealDays, PlanSeals } = auditSealWorkflow.definition.States;
    const withDays = (days: Record<string, unknown>) => ({
      StartAt: 'PlanSeals',
      States: { PlanSeals: PlanSeals!, SealDays: { ...SealDays!, ...days } },
    });
    // The definition as it was: an inline Map with a Distributed Map field the library would ignore.
    await expect(runWorkflow(withDays({ ToleratedFailurePercentage: 100 }), tasks, {})).rejects.toThrow(
      /state SealDays: ToleratedFailurePercentage is not run locally/,
    );
    const distributed = { ...(SealDays!.ItemProcessor as object), ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } };
    await expect(runWorkflow(withDays({ ItemProcessor: distributed }), tasks, {})).rejects.toThrow(/only inline Maps are run locally/);
    // A callback state runs locally only with its own function (the library would call a real Lambda).
    const callback = {
      StartAt: 'Approve',
      States: {
        Approve: {
          Type: 'Task' as const,
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:elsewhere' },
          TimeoutSeconds: 60,
          End: true,
        },
      },
    };
    await expect(runWorkflow(callback, tasks, {})).rejects.toThrow(/state Approve: Parameters.FunctionName must be \$\{Approve\}/);
    await expect(
      runWorkflow({ StartAt: 'PlanSeals', States: { PlanSeals: { ...PlanSeals!, Next: undefined, End: true } } }, {}, {}),
    ).rejects.toThrow(/state PlanSeals: no task handler/);
    // The library gives a Task without TimeoutSeconds 60 s, where AWS waits for the Lambda.
    const { TimeoutSeconds: _timeout, ...untimed } = PlanSeals!;
    await expect(
      runWorkflow({ StartAt: 'PlanSeals', States: { PlanSeals: { ...untimed, Next: undefined, End: true } } }, tasks, {}),
    ).rejects.toThrow(/state PlanSeals: TimeoutSeconds must be stated/);
    const assign = { StartAt: 'Note', States: { Note: { Type: 'Pass' as const, Assign: { x: 1 }, End: true } } };
    await expect(runWorkflow(assign, tasks, {})).rejects.toThrow(/state Note: Assign is not run locally/);
    // The library validates every definition (asl-validator): a transition to no state is refused.
    await expect(
      runWorkflow({ StartAt: 'PlanSeals', States: { PlanSeals: { ...PlanSeals!, Next: 'Nowhere' } } }, tasks, {}),
    ).rejects.toThrow(/State machine definition is invalid/);
  });
});
