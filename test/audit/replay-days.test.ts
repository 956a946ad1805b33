import { describe, expect, it } from 'vitest';
import { exportStreamBatch } from '../../functions/audit/export-batch.ts';
import { encodeJsonLines } from '../../functions/audit/jsonl.ts';
import { manifestKey } from '../../functions/audit/layout.ts';
import { parseManifest } from '../../functions/audit/manifest.ts';
import { ledgerEntryRecord } from '../../functions/audit/records.ts';
import { sealDay } from '../../functions/audit/seal.ts';
import { sealedRecords } from '../../functions/audit/sealed-records.ts';
import { replayDays, replayTenant } from '../../functions/audit/tenant-replay.ts';
import { GENESIS_HASH } from '../../functions/domain/hash-chain.ts';
import { syntheticEarn } from '../support/synthetic-earn.ts';
import { defaultTenantConfig } from '../../functions/domain/tenant-config.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { insertEntries, memoryStore, silentLog } from './support.ts';

/**
 * The whole-tenant replay's reading of the export, on an in-memory bucket with the real exporter
 * and sealer: which recording days a window reads, how final each day is, and what happens when
 * a part does not match its seal. (test/audit/replay-tenant.test.ts runs the CLI on the real path.)
 */
const TENANT = 'acme';
const config = defaultTenantConfig(TENANT, 'Acme', '1970-01-01T00:00:00.000Z');
const NOW = new Date('2026-03-20T12:00:00.000Z');

/** A wallet's purchase earns (12 points a dollar, rule version 1), hash-chained, one a minute from `start`. */
function purchases(accountId: string, count: number, start: string, startSeq = 1, prevHash = GENESIS_HASH): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    const seq = startSeq + i;
    const createdAt = new Date(Date.parse(start) + i * 60_000).toISOString();
    const entry = syntheticEarn({
      tenantId: TENANT,
      accountId,
      seq,
      amount: 120,
      createdAt,
      prevHash,
      pricing: { subtotalCents: 1_000, tier: 'Member', ruleVersion: 1 },
    });
    entries.push(entry);
    prevHash = entry.hash;
  }
  return entries;
}

const exportEntries = (store: ReturnType<typeof memoryStore>, entries: LedgerEntry[]) =>
  exportStreamBatch(insertEntries(entries), { store, log: silentLog });

describe('replayDays: the recording days a window on occurredAt reads', () => {
  it.each([
    ['no window: the first exported day to today', {}, 90, '2026-03-01', { from: '2026-03-01', to: '2026-03-20' }],
    [
      'from at midnight: the day before too (an earn may be recorded 5 minutes before it occurs)',
      { from: '2026-03-10T00:00:00Z' },
      90,
      undefined,
      { from: '2026-03-09', to: '2026-03-20' },
    ],
    ['from past the skew: its own day', { from: '2026-03-10T00:05:00Z' }, 90, undefined, { from: '2026-03-10', to: '2026-03-20' }],
    [
      'to at midnight, no late days: the day before it',
      { from: '2026-03-10T06:00:00Z', to: '2026-03-12T00:00:00Z' },
      0,
      undefined,
      { from: '2026-03-10', to: '2026-03-11' },
    ],
    [
      'to just after midnight: its day',
      { from: '2026-03-10T06:00:00Z', to: '2026-03-12T00:00:01Z' },
      0,
      undefined,
      { from: '2026-03-10', to: '2026-03-12' },
    ],
    [
      'late days after to',
      { from: '2026-03-01T06:00:00Z', to: '2026-03-02T00:00:00Z' },
      3,
      undefined,
      { from: '2026-03-01', to: '2026-03-04' },
    ],
    [
      'never past today',
      { from: '2026-03-10T06:00:00Z', to: '2026-03-12T00:00:00Z' },
      90,
      undefined,
      { from: '2026-03-10', to: '2026-03-20' },
    ],
  ])('%s', (_name, window, lateDays, first, expected) => {
    expect(replayDays(window, lateDays, '2026-03-20', first)).toEqual(expected);
  });

  it('nothing to read: nothing exported and no --from, or --from after today', () => {
    expect(replayDays({}, 90, '2026-03-20', undefined)).toBeUndefined();
    expect(replayDays({ from: '2026-04-01T00:00:00Z' }, 90, '2026-03-20', '2026-03-01')).toBeUndefined();
  });
});

describe('how final each day is, and what is read', () => {
  it('complete, provisional, stale, gaps, unsealed, empty and open days: sealed data read, the rest named', async () => {
    const store = memoryStore();
    const day = (d: string, hour = 9) => `2026-03-${d}T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const a = purchases('a', 8, day('10'));
    // 10th: sealed after it ended: complete.
    await exportEntries(store, a.slice(0, 2));
    await sealDay({ store, tenantId: TENANT, day: '2026-03-10', now: NOW });
    // 11th: sealed while the day was on (an early seal): provisional.
    const b = purchases('b', 2, day('11'));
    await exportEntries(store, b);
    await sealDay({ store, tenantId: TENANT, day: '2026-03-11', now: new Date(day('11', 18)) });
    // 12th: sealed, then a late record exported: stale (its marker is back).
    const c = purchases('c', 3, day('12'));
    await exportEntries(store, c.slice(0, 2));
    await sealDay({ store, tenantId: TENANT, day: '2026-03-12', now: NOW });
    await exportEntries(store, c.slice(2));
    // 13th: seq 2 never reached the export, and no table to fill it from: sealed with a gap.
    const d = purchases('d', 3, day('13'));
    await exportEntries(store, [d[0]!, d[2]!]);
    await sealDay({ store, tenantId: TENANT, day: '2026-03-13', now: NOW });
    // 14th: exported, never sealed. 15th: nothing. 20th (today): nothing yet.
    await exportEntries(store, purchases('e', 1, day('14')));

    const report = await replayTenant({ store, config, now: NOW, window: { from: '2026-03-10T06:00:00Z' } });
    expect(report.days).toEqual({
      from: '2026-03-10',
      to: '2026-03-20',
      read: ['2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'],
      empty: 5,
      incomplete: [
        {
          day: '2026-03-11',
          state: 'provisional',
          detail: expect.stringMatching(/^sealed at 2026-03-11T18:00:00.000Z, before the day ended/),
        },
        { day: '2026-03-12', state: 'stale', detail: expect.stringMatching(/^records arrived after the seal/) },
        { day: '2026-03-13', state: 'gaps', detail: 'the seal misses 1 sequence range(s)' },
        { day: '2026-03-14', state: 'unsealed', detail: 'exported but not sealed yet: not read' },
        { day: '2026-03-20', state: 'open', detail: 'the day has not ended: nothing of it is sealed or read' },
      ],
    });
    // What the seals hold: 2 + 2 + 2 (not the late one) + 2 (not the lost one); the unsealed day is not read.
    expect(report).toMatchObject({
      complete: false,
      ledgerEntries: 8,
      checked: 8,
      replayable: 8,
      differenceCount: 0,
      exportProblemCount: 0,
    });
  });

  it('a day that ended less than the seal grace (15 minutes) ago is still open: the exporter may be writing it', async () => {
    const store = memoryStore();
    const report = await replayTenant({
      store,
      config,
      now: new Date('2026-03-21T00:10:00.000Z'),
      window: { from: '2026-03-19T06:00:00Z' },
    });
    expect(report.days).toMatchObject({ from: '2026-03-19', to: '2026-03-21', read: [], empty: 1 });
    expect(report.days.incomplete.map((day: { day: string; state: string }) => `${day.day} ${day.state}`)).toEqual([
      '2026-03-20 open',
      '2026-03-21 open',
    ]);
  });

  it('a part that does not match its seal is not read and fails the replay; so is an entry whose hash does not match its content', async () => {
    const store = memoryStore();
    const entries = purchases('a', 4, '2026-03-10T09:00:00.000Z');
    // Seq 3's amount altered after it was hashed (the seal carries it, verify would fail it).
    const altered = entries.map((entry) => (entry.seq === 3 ? { ...entry, amount: 999 } : entry));
    await exportEntries(store, altered);
    await sealDay({ store, tenantId: TENANT, day: '2026-03-10', now: NOW, partMaxRecords: 2 });
    await exportEntries(store, purchases('b', 2, '2026-03-11T09:00:00.000Z'));
    await sealDay({ store, tenantId: TENANT, day: '2026-03-11', now: NOW });
    const manifest = parseManifest((await store.get(manifestKey(TENANT, '2026-03-11')))!);
    // The 11th's part replaced by other bytes: same records but one, content-named key kept.
    await store.put(manifest.objects[0]!.key, encodeJsonLines([ledgerEntryRecord(purchases('b', 1, '2026-03-11T09:00:00.000Z')[0]!)]), {
      contentType: 'application/gzip',
      sha256: '',
    });

    const report = await replayTenant({
      store,
      config,
      now: NOW,
      window: { from: '2026-03-10T06:00:00Z', to: '2026-03-12T00:00:00Z' },
      lateDays: 0,
    });
    expect(report).toMatchObject({ complete: true, ledgerEntries: 4, replayable: 3, differenceCount: 0, exportProblemCount: 2 });
    expect(report.exportProblems).toEqual([
      'acme 2026-03-10: a/points seq 3: its hash does not match its content (not replayed)',
      expect.stringMatching(/^acme 2026-03-11 part-00001-[0-9a-f]{16}\.jsonl\.gz: SHA-256 does not match the manifest \(not read\)$/),
    ]);
  });

  it('streams a day part by part: a few parts fetched ahead, never the whole day', async () => {
    const store = memoryStore();
    await exportEntries(store, purchases('a', 12, '2026-03-10T09:00:00.000Z'));
    await sealDay({ store, tenantId: TENANT, day: '2026-03-10', now: NOW, partMaxRecords: 2 });
    const manifest = parseManifest((await store.get(manifestKey(TENANT, '2026-03-10')))!);
    expect(manifest.objects).toHaveLength(6);
    const gets: string[] = [];
    const counting = {
      ...store,
      get: (key: string) => {
        gets.push(key);
        return store.get(key);
      },
    };
    const records = sealedRecords(counting, manifest, (problem) => expect.fail(problem));
    await records.next();
    expect(gets.length).toBeLessThanOrEqual(3);
    let entries = 1;
    for await (const record of records) entries += record.kind === 'ledger.entry' ? 1 : 0;
    expect(entries).toBe(12);
    expect(gets).toEqual(manifest.objects.map((object) => object.key));
  });
});
