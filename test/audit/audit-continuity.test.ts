import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportStreamBatch } from '../../functions/audit/export-batch.ts';
import { baseName, MANIFEST_NAME, manifestKey } from '../../functions/audit/layout.ts';
import { MANIFEST_FORMAT_V1, parseManifest } from '../../functions/audit/manifest.ts';
import { sealDay } from '../../functions/audit/seal.ts';
import { describeProblem, verifyExport } from '../../functions/audit/verify.ts';
import { fetchedObjects, readWalletIndex } from '../../functions/audit/wallet-index.ts';
import { hashLedgerEntry } from '../../functions/domain/hash-chain.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { chain, insertEntries, memoryStore, silentLog } from './support.ts';

const DAY = '2026-03-10';
const NEXT_DAY = '2026-03-11';
const repoRoot = new URL('../..', import.meta.url).pathname;

/**
 * Entries as they would be written after someone added `points` to the account item before
 * entry `fromSeq`: every entry from there on carries the inflated balance, and each is hashed
 * and linked as the service would, so the hash chain alone verifies.
 */
function inflatedFrom(entries: LedgerEntry[], fromSeq: number, change: Partial<Pick<LedgerEntry, 'balanceAfter' | 'debtAfter'>>) {
  const out: LedgerEntry[] = [];
  let prevHash = entries[0]!.prevHash;
  for (const entry of entries) {
    const { hash: _hash, ...rest } = entry;
    const unhashed = {
      ...rest,
      prevHash,
      ...(entry.seq >= fromSeq && change.balanceAfter !== undefined ? { balanceAfter: entry.balanceAfter + change.balanceAfter } : {}),
      ...(entry.seq === fromSeq && change.debtAfter !== undefined ? { debtAfter: change.debtAfter } : {}),
    };
    const hashed = { ...unhashed, hash: hashLedgerEntry(unhashed) };
    out.push(hashed);
    prevHash = hashed.hash;
  }
  return out;
}

/** Exports and seals the entries (one or two days), returning the store. */
async function sealed(entries: LedgerEntry[], days: string[]) {
  const store = memoryStore();
  await exportStreamBatch(insertEntries(entries), { store, log: silentLog });
  for (const day of days) await sealDay({ store, tenantId: 'acme', day, now: new Date(`${NEXT_DAY}T23:59:00.000Z`), partMaxRecords: 4 });
  return store;
}

async function folder(store: ReturnType<typeof memoryStore>, day: string) {
  const manifest = (await store.get(manifestKey('acme', day)))!;
  const files = new Map<string, Buffer>();
  for (const object of fetchedObjects(parseManifest(manifest))) files.set(baseName(object.key), (await store.get(object.key))!);
  return { manifest, files };
}

describe('rrr-audit verify: balance and debt continuity', () => {
  const honest = chain({ tenantId: 'acme', accountId: 'm-1', count: 6, start: `${DAY}T10:00:00.000Z` });

  it('passes an honest day', async () => {
    expect(verifyExport(await folder(await sealed(honest, [DAY]), DAY))).toMatchObject({ ok: true, problems: [] });
  });

  it('names the first entry whose balanceAfter does not follow, though its hash chain verifies; the CLI exits 1', async () => {
    const forged = inflatedFrom(honest, 5, { balanceAfter: 250 });
    const day = await folder(await sealed(forged, [DAY]), DAY);
    const result = verifyExport(day);
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    // Parts of 4 records: seq 5 is the first line of the second part.
    expect(describeProblem(result.first!)).toMatch(
      /^object part-00002-\w+\.jsonl\.gz line 1, wallet m-1\/points, seq 5: seq 5 balanceAfter is 750, but the balance before it \(400\) plus its amount \(100\) is 500$/,
    );

    const dir = mkdtempSync(join(tmpdir(), 'rrr-verify-'));
    writeFileSync(join(dir, MANIFEST_NAME), day.manifest);
    for (const [name, body] of day.files) writeFileSync(join(dir, name), body);
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const cli = spawnSync(process.execPath, ['bin/rrr-audit.mjs', 'verify', dir], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(
      /first failure: object part-00002-\w+\.jsonl\.gz line 1, wallet m-1\/points, seq 5: seq 5 balanceAfter is 750/,
    );
  });

  it('checks debt: a credit pays debt down first', async () => {
    const forged = inflatedFrom(honest, 3, { debtAfter: 40 });
    const result = verifyExport(await folder(await sealed(forged, [DAY]), DAY));
    expect(result.first).toMatchObject({ wallet: 'm-1/points', seq: 3, line: 3 });
    expect(result.first!.message).toBe('seq 3 debtAfter is 40, but a credit of 100 on a debt of 0 leaves 0');
  });

  it("checks the next day's first entry against the previous day's last balance, and still verifies manifests without it", async () => {
    const second = chain({
      tenantId: 'acme',
      accountId: 'm-1',
      count: 3,
      startSeq: 7,
      prevHash: honest.at(-1)!.hash,
      start: `${NEXT_DAY}T10:00:00.000Z`,
    });
    const store = await sealed([...honest, ...second], [DAY, NEXT_DAY]);
    const { manifest: previousManifest, files: previousFiles } = await folder(store, DAY);
    const previousRanges = readWalletIndex(parseManifest(previousManifest), previousFiles).ranges;
    expect(previousRanges[0]).toMatchObject({ lastSeq: 6, lastBalance: 600, lastDebt: 0 });
    expect(verifyExport({ ...(await folder(store, NEXT_DAY)), previousManifest, previousFiles })).toMatchObject({ ok: true });

    const skewed = inflatedFrom(second, 7, { balanceAfter: 50 });
    const forgedStore = await sealed([...honest, ...skewed], [DAY, NEXT_DAY]);
    const result = verifyExport({ ...(await folder(forgedStore, NEXT_DAY)), previousManifest, previousFiles });
    expect(result.first).toMatchObject({ wallet: 'm-1/points', seq: 7, line: 1 });
    expect(result.first!.message).toBe(
      `seq 7 balanceAfter is 750, but the balance before it (600) plus its amount (100) is 700 (from ${DAY}'s last balance)`,
    );

    // A previous (version 1) manifest sealed before lastBalance existed: only the chain links the days.
    const {
      walletIndex: _index,
      walletCount: _count,
      sourceIndex: _sources,
      ...rest
    } = parseManifest(previousManifest) as ReturnType<typeof parseManifest> & {
      sourceIndex?: unknown;
    };
    const old = {
      ...rest,
      format: MANIFEST_FORMAT_V1,
      wallets: previousRanges.map(({ lastBalance: _balance, lastDebt: _debt, ...range }) => range),
      sources: [],
    };
    expect(verifyExport({ ...(await folder(forgedStore, NEXT_DAY)), previousManifest: JSON.stringify(old) }).ok).toBe(true);
  });
});
