import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exportStreamBatch } from '../../functions/audit/export-batch.ts';
import { decodeJsonLines } from '../../functions/audit/jsonl.ts';
import { baseName, manifestKey, PENDING_ROOT, pendingKey } from '../../functions/audit/layout.ts';
import { parseManifest } from '../../functions/audit/manifest.ts';
import { planSeals } from '../../functions/audit/pending.ts';
import { SEAL_NODE_OPTIONS, sealDay } from '../../functions/audit/seal.ts';
import { verifyExport } from '../../functions/audit/verify.ts';
import { fetchedObjects, readWalletIndex } from '../../functions/audit/wallet-index.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { chain, insertEntries, memoryStore, silentLog } from './support.ts';

/**
 * The streaming sealer with its sizes forced small: several sorted runs, parts and index objects
 * from a handful of records, so the multi-run path (spill, merge, dedupe while merging) runs
 * in every test run. The bench (bench/seal-scale.ts) runs the same code at 1k to 1M records.
 */
const DAY = '2026-03-10';
const afterDay = new Date('2026-03-11T00:30:00.000Z');
const wallets = ['m-1', 'm-2', 'm-3'].map((accountId, i) =>
  chain({ tenantId: 'acme', accountId, count: 9, start: `${DAY}T0${i + 1}:00:00.000Z` }),
);
const all = wallets.flat();

async function export3(store: ReturnType<typeof memoryStore>, entries: LedgerEntry[]) {
  // Overlapping, redelivered batches in an interleaved order, as a stream with retries gives them.
  for (let start = 0; start < entries.length; start += 5) {
    await exportStreamBatch(insertEntries(entries.slice(start, start + 7)), { store, log: silentLog });
  }
}

async function folder(store: ReturnType<typeof memoryStore>) {
  const manifest = (await store.get(manifestKey('acme', DAY)))!;
  const files = new Map<string, Buffer>();
  for (const object of fetchedObjects(parseManifest(manifest))) files.set(baseName(object.key), (await store.get(object.key))!);
  return { manifest, files };
}

describe('streaming seal', () => {
  it('seals the same day into the same objects and manifest whatever the number of sorted runs; each record once, in order', async () => {
    const interleaved = [0, 1, 2, 3, 4, 5, 6, 7, 8].flatMap((i) => wallets.map((w) => w[i]!));
    const sealed = [];
    for (const runChars of [undefined, 1500]) {
      const store = memoryStore();
      await export3(store, interleaved);
      const outcome = await sealDay({
        store,
        tenantId: 'acme',
        day: DAY,
        now: afterDay,
        ...(runChars ? { runChars } : {}),
        partMaxRecords: 7,
      });
      expect(outcome).toMatchObject({ status: 'sealed', problems: [], manifest: { recordCount: 27, walletCount: 3 } });
      if (outcome.status !== 'sealed') return;
      expect(outcome.manifest.duplicatesDropped).toBeGreaterThan(0);
      const { manifest, files } = await folder(store);
      const records = outcome.manifest.objects.flatMap((o) => decodeJsonLines(files.get(baseName(o.key))!).records);
      expect(records.map((r) => r.recordId)).toEqual(all.map((e) => `ledger:${e.accountId}:points:${e.seq}`));
      expect(readWalletIndex(parseManifest(manifest), files).ranges.map((r) => [r.accountId, r.firstSeq, r.lastSeq])).toEqual([
        ['m-1', 1, 9],
        ['m-2', 1, 9],
        ['m-3', 1, 9],
      ]);
      expect(verifyExport({ manifest, files })).toMatchObject({ ok: true, summary: { wallets: 3, entries: 27 } });
      // The exporter objects differ between the two runs (stream sequence numbers name them).
      const { sealedAt: _at, sourcesDigest: _d, sourceIndex: _i, ...rest } = outcome.manifest;
      sealed.push(rest);
    }
    expect(sealed[1]).toEqual(sealed[0]);
  });

  it('fills a gap from the table in the merged stream, at its place in the wallet', async () => {
    const store = memoryStore();
    const lost = new Set([wallets[1]![3]!, wallets[1]![4]!]);
    await export3(
      store,
      all.filter((e) => !lost.has(e)),
    );
    const readLedger = async (q: { accountId: string; fromSeq: number; toSeq: number }) =>
      all.filter((e) => e.accountId === q.accountId && e.seq >= q.fromSeq && e.seq <= q.toSeq);
    const outcome = await sealDay({ store, tenantId: 'acme', day: DAY, now: afterDay, runChars: 2000, partMaxRecords: 5, readLedger });
    expect(outcome).toMatchObject({ status: 'sealed', problems: [], manifest: { backfilled: 2, recordCount: 27, gaps: [] } });
    expect(verifyExport(await folder(store)).ok).toBe(true);
  });

  it('a changed day is marked by the exporter and unmarked by its closed seal; an early seal keeps the mark', async () => {
    const store = memoryStore();
    await export3(store, all.slice(0, 10));
    expect(store.objects.has(pendingKey(DAY, 'acme'))).toBe(true);
    expect(await planSeals({ store, now: new Date(`${DAY}T23:00:00.000Z`), graceMinutes: 15 })).toEqual([]);
    expect(await planSeals({ store, now: afterDay, graceMinutes: 15 })).toEqual([{ tenantId: 'acme', day: DAY }]);

    await sealDay({ store, tenantId: 'acme', day: DAY, now: new Date(`${DAY}T23:00:00.000Z`) });
    expect(store.objects.has(pendingKey(DAY, 'acme'))).toBe(true);
    await sealDay({ store, tenantId: 'acme', day: DAY, now: afterDay });
    expect(await store.list(PENDING_ROOT)).toEqual([]);
    expect(await planSeals({ store, now: afterDay, graceMinutes: 15 })).toEqual([]);

    await export3(store, all.slice(10, 12)); // a late record marks the day again
    expect(await planSeals({ store, now: afterDay, graceMinutes: 15 })).toEqual([{ tenantId: 'acme', day: DAY }]);
  });

  it('an object the exporter writes while the seal runs keeps the day marked (no trigger is lost)', async () => {
    const store = memoryStore();
    await export3(store, all.slice(0, 10));
    let raced = false;
    const racing = {
      ...store,
      // The exporter writes its object and marker between the seal's listing and its removal of the marker.
      delete: async (key: string) => {
        if (key.startsWith(PENDING_ROOT) && !raced) {
          raced = true;
          await exportStreamBatch(insertEntries(all.slice(10, 11)), { store, log: silentLog });
        }
        await store.delete(key);
      },
    };
    const outcome = await sealDay({ store: racing, tenantId: 'acme', day: DAY, now: afterDay });
    expect(outcome).toMatchObject({ status: 'sealed', manifest: { recordCount: 10 } });
    expect(await planSeals({ store, now: afterDay, graceMinutes: 15 })).toEqual([{ tenantId: 'acme', day: DAY }]);
    expect(await sealDay({ store, tenantId: 'acme', day: DAY, now: afterDay })).toMatchObject({
      status: 'sealed',
      manifest: { revision: 2, recordCount: 11 },
    });
    expect(await store.list(PENDING_ROOT)).toEqual([]);
  });

  it('runs with the V8 flags the sealing Lambdas set: NODE_OPTIONS accepts every one of them', () => {
    const run = spawnSync(process.execPath, ['-e', 'process.stdout.write("ok")'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: SEAL_NODE_OPTIONS },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('ok');
  });
});
