import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exportStreamBatch } from '../../functions/audit/export-batch.ts';
import { decodeJsonLines } from '../../functions/audit/jsonl.ts';
import { baseName, manifestKey } from '../../functions/audit/layout.ts';
import { MANIFEST_FORMAT_V1, parseManifest } from '../../functions/audit/manifest.ts';
import { AUDITED_ENTITIES, auditRecordsOf, type StreamChange } from '../../functions/audit/records.ts';
import { sealDay, sealPendingDays } from '../../functions/audit/seal.ts';
import { describeProblem, verifyExport } from '../../functions/audit/verify.ts';
import { fetchedObjects, readWalletIndex } from '../../functions/audit/wallet-index.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { ledgerEntryToItem } from '../../functions/store/items.ts';
import { TABLE_KEYS } from '../../functions/store/table-definition.ts';
import { chain, insertEntries, memoryStore, silentLog, streamRecord } from './support.ts';

const DAY = '2026-03-10';
const change = (eventName: StreamChange['eventName'], images: Partial<StreamChange>): StreamChange => ({
  eventName,
  sequenceNumber: '000000000000000000042',
  at: '2026-03-10T12:00:00.000Z',
  ...images,
});

/** A clock half an hour after the day ended, so the manifest says the day is closed. */
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:30:00.000Z`) + 86_400_000);

/** A sealed day as `rrr-audit fetch` would save it: file name to bytes, plus the manifest. */
async function fetched(store: ReturnType<typeof memoryStore>, tenantId: string, day: string) {
  const manifest = (await store.get(manifestKey(tenantId, day)))!;
  const files = new Map<string, Buffer>();
  for (const object of fetchedObjects(parseManifest(manifest))) files.set(baseName(object.key), (await store.get(object.key))!);
  return { manifest, files };
}

describe('what is exported, per kind of table item', () => {
  it('classifies every entity the store writes (a new kind of item needs a line in AUDITED_ENTITIES)', () => {
    const written = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts'))
          for (const match of readFileSync(path, 'utf8').matchAll(/entity: '([A-Z_]+)'/g)) written.add(match[1]!);
      }
    };
    walk(new URL('../../functions', import.meta.url).pathname);
    expect(written.size).toBeGreaterThanOrEqual(7);
    for (const entity of written) expect(AUDITED_ENTITIES, entity).toHaveProperty(entity);
  });

  it('exports each ledger entry once, by its wallet and sequence, dated by its createdAt', () => {
    const [entry] = chain({ tenantId: 'acme', accountId: 'm-1', count: 1, start: '2026-03-10T23:59:59.999Z' });
    const { records } = auditRecordsOf(change('INSERT', { newImage: ledgerEntryToItem(entry!) }));
    expect(records).toEqual([{ recordId: 'ledger:m-1:points:1', kind: 'ledger.entry', tenantId: 'acme', at: entry!.createdAt, entry }]);
  });

  it('keeps ledger items hot in the table: they carry no TTL attribute (only idempotency records expire)', () => {
    const [entry] = chain({ tenantId: 'acme', accountId: 'm-1', count: 1, start: '2026-03-10T10:00:00.000Z' });
    expect(ledgerEntryToItem(entry!)).not.toHaveProperty(TABLE_KEYS.ttlAttribute);
  });

  it('turns a MODIFY or REMOVE of a ledger entry into a tamper event with both images', () => {
    const [entry] = chain({ tenantId: 'acme', accountId: 'm-1', count: 1, start: '2026-03-09T10:00:00.000Z' });
    const altered = { ...entry!, amount: 1_000_000 };
    const modified = auditRecordsOf(
      change('MODIFY', { oldImage: ledgerEntryToItem(entry!), newImage: ledgerEntryToItem(altered) }),
    ).records;
    expect(modified).toEqual([
      expect.objectContaining({
        kind: 'ledger.modified',
        tenantId: 'acme',
        at: '2026-03-10T12:00:00.000Z',
        entryKey: { accountId: 'm-1', wallet: 'points', seq: 1 },
        before: entry,
        after: altered,
      }),
    ]);
    const removed = auditRecordsOf(change('REMOVE', { oldImage: ledgerEntryToItem(entry!) })).records;
    expect(removed).toEqual([expect.objectContaining({ kind: 'ledger.removed', before: entry })]);
    expect(removed[0]).not.toHaveProperty('after');
  });

  it('records the partner key lifecycle without the key hash, and ignores lastUsedAt refreshes', () => {
    const key = {
      PK: 'APIKEY#secret-hash',
      SK: 'APIKEY',
      entity: 'APIKEY',
      keyHash: 'secret-hash',
      keyId: 'key_0123456789abcdef',
      tenantId: 'acme',
      scopes: ['earn', 'read'],
      status: 'active',
      createdAt: '2026-03-10T09:00:00.000Z',
    };
    const used = { ...key, lastUsedAt: '2026-03-10T10:00:00.000Z' };
    const rotated = { ...used, expiresAt: '2026-03-11T10:00:00.000Z' };
    const revoked = { ...rotated, status: 'revoked', revokedAt: '2026-03-10T11:00:00.000Z', revokeReason: 'compromised' };
    const created = auditRecordsOf(change('INSERT', { newImage: key })).records;
    expect(created).toEqual([
      {
        recordId: 'partner_key.created:key_0123456789abcdef',
        kind: 'partner_key.created',
        tenantId: 'acme',
        at: '2026-03-10T12:00:00.000Z',
        key: { keyId: key.keyId, tenantId: 'acme', scopes: ['earn', 'read'], status: 'active', createdAt: key.createdAt },
      },
    ]);
    expect(auditRecordsOf(change('MODIFY', { oldImage: key, newImage: used })).records).toEqual([]);
    expect(auditRecordsOf(change('MODIFY', { oldImage: used, newImage: rotated })).records).toEqual([
      expect.objectContaining({ kind: 'partner_key.expiry_changed', changes: { expiresAt: { to: rotated.expiresAt } } }),
    ]);
    const revocation = auditRecordsOf(change('MODIFY', { oldImage: rotated, newImage: revoked })).records;
    expect(revocation).toEqual([
      expect.objectContaining({
        kind: 'partner_key.revoked',
        changes: expect.objectContaining({ status: { from: 'active', to: 'revoked' } }),
      }),
    ]);
    expect(JSON.stringify([created, revocation])).not.toContain('secret-hash');
  });

  it('exports tenant creation and configuration changes; nothing of accounts, orders, idempotency records or key index items', () => {
    const tenant = {
      PK: 'T#acme',
      SK: 'TENANT',
      entity: 'TENANT',
      tenantId: 'acme',
      config: { tenantId: 'acme', displayName: 'Acme', timeZone: 'UTC' },
    };
    expect(auditRecordsOf(change('INSERT', { newImage: tenant })).records).toEqual([
      expect.objectContaining({ kind: 'tenant.created', tenant: tenant.config }),
    ]);
    const renamed = { ...tenant, config: { ...tenant.config, displayName: 'Acme Inc' } };
    expect(auditRecordsOf(change('MODIFY', { oldImage: tenant, newImage: renamed })).records).toEqual([
      expect.objectContaining({ kind: 'tenant.changed', changes: { displayName: { from: 'Acme', to: 'Acme Inc' } } }),
    ]);
    for (const entity of ['ACCOUNT', 'ORDER', 'IDEMPOTENCY', 'APIKEY_INDEX']) {
      expect(auditRecordsOf(change('INSERT', { newImage: { PK: 'x', SK: 'y', entity, tenantId: 'acme' } })), entity).toEqual({
        entity,
        records: [],
        known: true,
      });
    }
    expect(auditRecordsOf(change('INSERT', { newImage: { PK: 'x', SK: 'y', entity: 'NEW_KIND' } })).known).toBe(false);
  });
});

describe('exporter', () => {
  const acme = chain({ tenantId: 'acme', accountId: 'm-1', count: 3, start: '2026-03-10T23:58:00.000Z' }); // two on the 10th, one on the 11th
  const globex = chain({ tenantId: 'globex', accountId: 'm-9', count: 2, start: '2026-03-10T08:00:00.000Z' });

  it('writes one gzip JSON Lines object per tenant and UTC day, and the same keys and bytes when the batch comes again', async () => {
    const store = memoryStore();
    const event = insertEntries([acme[0]!, globex[0]!, acme[1]!, acme[2]!, globex[1]!]);
    const first = await exportStreamBatch(event, { store, log: silentLog });
    expect(first.batchItemFailures).toEqual([]);
    expect(first.written.map((key) => key.replace(/\/[^/]+$/, '/'))).toEqual([
      'incoming/day=2026-03-10/tenant=acme/',
      'incoming/day=2026-03-10/tenant=globex/',
      'incoming/day=2026-03-11/tenant=acme/',
    ]);
    const lines = gunzipSync(store.objects.get(first.written[0]!)!).toString('utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).recordId)).toEqual(['ledger:m-1:points:1', 'ledger:m-1:points:2']);
    const bytes = new Map(store.objects);

    const again = await exportStreamBatch(event, { store, log: silentLog });
    expect(again.written).toEqual(first.written);
    expect(store.objects).toEqual(bytes);
  });

  it('reports exactly the records of an object it could not write, and logs tamper events as errors', async () => {
    const store = memoryStore();
    const failing = {
      put: (key: string, body: Buffer, options: { contentType: string; sha256: string }) =>
        key.includes('tenant=globex') ? Promise.reject(new Error('503 Slow Down')) : store.put(key, body, options),
    };
    const errors: string[] = [];
    const event = insertEntries([acme[0]!, globex[0]!, acme[1]!, globex[1]!]);
    const tamper = streamRecord('MODIFY', {
      oldImage: ledgerEntryToItem(acme[0]!),
      newImage: ledgerEntryToItem({ ...acme[0]!, amount: 5 }),
    });
    event.Records.push(tamper);
    const result = await exportStreamBatch(event, { store: failing, log: { error: (message) => errors.push(message), warn: () => {} } });
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([
      event.Records[1]!.dynamodb!.SequenceNumber,
      event.Records[3]!.dynamodb!.SequenceNumber,
    ]);
    expect(result.tamperEvents).toHaveLength(1);
    expect(errors.some((message) => /append-only/.test(message))).toBe(true);
    expect(errors.some((message) => /could not be written/.test(message))).toBe(true);
  });
});

describe('sealing and offline verification', () => {
  const day1 = chain({ tenantId: 'acme', accountId: 'm-1', count: 6, start: `${DAY}T10:00:00.000Z` });
  const day2 = chain({
    tenantId: 'acme',
    accountId: 'm-1',
    count: 4,
    startSeq: 7,
    prevHash: day1.at(-1)!.hash,
    start: '2026-03-11T10:00:00.000Z',
  });

  it('keeps each record once however the batches overlapped, in order, across several parts; a second run changes nothing', async () => {
    const store = memoryStore();
    await exportStreamBatch(insertEntries(day1.slice(0, 4)), { store, log: silentLog });
    const retry = insertEntries(day1.slice(2, 6));
    await exportStreamBatch(retry, { store, log: silentLog }); // a retry cut differently
    await exportStreamBatch(retry, { store, log: silentLog }); // and the same batch again
    const sealed = await sealDay({ store, tenantId: 'acme', day: DAY, now: dayAfter(DAY), partMaxRecords: 4 });
    expect(sealed.status).toBe('sealed');
    if (sealed.status !== 'sealed') return;
    expect(sealed.problems).toEqual([]);
    expect(sealed.manifest).toMatchObject({
      revision: 1,
      dayClosed: true,
      recordCount: 6,
      duplicatesDropped: 2,
      walletCount: 1,
      sourceCount: 2,
    });
    expect(sealed.manifest.objects.map((object) => object.records)).toEqual([4, 2]);
    const { manifest, files } = await fetched(store, 'acme', DAY);
    expect(readWalletIndex(parseManifest(manifest), files).ranges).toEqual([
      {
        accountId: 'm-1',
        wallet: 'points',
        firstSeq: 1,
        lastSeq: 6,
        entries: 6,
        prevHash: day1[0]!.prevHash,
        headHash: day1[5]!.hash,
        lastBalance: day1[5]!.balanceAfter,
        lastDebt: day1[5]!.debtAfter,
      },
    ]);
    const ordered = [...files]
      .filter(([name]) => name.startsWith('part-'))
      .map(([, body]) => body)
      .flatMap((body) => decodeJsonLines(body).records.map((record) => record.recordId));
    expect(ordered).toEqual(day1.map((entry) => `ledger:m-1:points:${entry.seq}`));
    expect(verifyExport({ manifest, files })).toMatchObject({ ok: true, problems: [] });

    const puts = store.puts.length;
    expect((await sealDay({ store, tenantId: 'acme', day: DAY, now: dayAfter(DAY) })).status).toBe('unchanged');
    expect(store.puts).toHaveLength(puts);
  });

  it('re-seals a day as a new revision when a late record arrives', async () => {
    const store = memoryStore();
    await exportStreamBatch(insertEntries(day1.slice(0, 5)), { store, log: silentLog });
    await sealDay({ store, tenantId: 'acme', day: DAY, now: new Date(`${DAY}T23:00:00.000Z`) }); // sealed early, on request
    await exportStreamBatch(insertEntries(day1.slice(5)), { store, log: silentLog });
    const { outcomes, problems } = await sealPendingDays({
      store,
      now: new Date('2026-03-11T00:30:00.000Z'),
      lookbackDays: 3,
      graceMinutes: 15,
    });
    expect(problems).toEqual([]);
    expect(outcomes).toEqual([
      expect.objectContaining({
        status: 'sealed',
        day: DAY,
        manifest: expect.objectContaining({ revision: 2, dayClosed: true, recordCount: 6 }),
      }),
    ]);
  });

  it('verifies a day that starts mid-chain from its prevHash, and its continuity with the previous day', async () => {
    const store = memoryStore();
    await exportStreamBatch(insertEntries([...day1, ...day2]), { store, log: silentLog });
    await sealDay({ store, tenantId: 'acme', day: DAY, now: dayAfter('2026-03-11') });
    await sealDay({ store, tenantId: 'acme', day: '2026-03-11', now: dayAfter('2026-03-11') });
    const first = await fetched(store, 'acme', DAY);
    const previousManifest = first.manifest;
    const second = await fetched(store, 'acme', '2026-03-11');
    expect(verifyExport({ ...second, previousManifest, previousFiles: first.files })).toMatchObject({
      ok: true,
      summary: { wallets: 1, entries: 4 },
    });
    // Without the previous day's wallet index the check cannot be made, and says so.
    expect(verifyExport({ ...second, previousManifest }).ok).toBe(false);

    // A previous day whose head does not match, sealed in the version 1 format (wallets inline,
    // still read): the first entry of the day is named.
    const { inlineWallets: _none, walletIndex: _index, walletCount: _count, ...rest } = parseManifest(previousManifest);
    const wallets = readWalletIndex(parseManifest(previousManifest), first.files).ranges;
    wallets[0]!.headHash = 'f'.repeat(64);
    const forged = { ...rest, format: MANIFEST_FORMAT_V1, wallets, sources: [] };
    const result = verifyExport({ ...second, previousManifest: JSON.stringify(forged) });
    expect(result.ok).toBe(false);
    expect(result.first).toMatchObject({ wallet: 'm-1/points', seq: 7 });
  });

  it('fills a record the stream lost from the table; without the table the gap fails verification by wallet and sequence', async () => {
    const lost = day1[3]!;
    const store = memoryStore();
    await exportStreamBatch(insertEntries(day1.filter((entry) => entry !== lost)), { store, log: silentLog });
    const blind = await sealDay({ store, tenantId: 'acme', day: DAY, now: dayAfter(DAY) });
    expect(blind.status === 'sealed' && blind.problems).toEqual([
      'wallet m-1/points seq 4..4: not delivered by the stream (no table to read it from)',
    ]);
    const unfilled = verifyExport(await fetched(store, 'acme', DAY));
    expect(unfilled.ok).toBe(false);
    expect(describeProblem(unfilled.first!)).toMatch(
      /^object part-00001-\w+\.jsonl\.gz line 4, wallet m-1\/points, seq 4: seq 4 is missing/,
    );
    expect(unfilled.problems.map(describeProblem)).toContain(
      'wallet m-1/points, seq 4: seq 4..4 is missing from the seal: not delivered by the stream (no table to read it from)',
    );

    const readLedger = async (query: { fromSeq: number; toSeq: number }): Promise<LedgerEntry[]> =>
      day1.filter((e) => e.seq >= query.fromSeq && e.seq <= query.toSeq);
    const filled = await sealDay({ store, tenantId: 'acme', day: DAY, now: dayAfter(DAY), readLedger });
    expect(filled).toMatchObject({ status: 'sealed', problems: [], manifest: { revision: 2, backfilled: 1, gaps: [], recordCount: 6 } });
    expect(verifyExport(await fetched(store, 'acme', DAY)).ok).toBe(true);
  });
});
