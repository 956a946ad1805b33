import { GENESIS_HASH, verifyChain } from '../domain/hash-chain.ts';
import type { LedgerEntry } from '../domain/types.ts';
import { continuityBreak, totalsAfter, type WalletTotals } from './continuity.ts';
import { decodeJsonLines, sha256Hex } from './jsonl.ts';
import { baseName, dayOf } from './layout.ts';
import { parseManifest, walletLabel, type DayManifest, type WalletRange } from './manifest.ts';
import { isLedgerEntryRecord, TAMPER_KINDS } from './records.ts';
import { fetchedObjects, readWalletIndex } from './wallet-index.ts';

/**
 * Offline verification of one fetched day: everything finance needs is in the folder (the
 * manifest, its objects and, when fetched, the previous day's manifest). Pure: the caller reads
 * the files.
 *
 * Checks: each listed object is present with the manifest's SHA-256 and record count and no
 * unlisted object is there; no record appears twice; every record belongs to the tenant and
 * day; each wallet's entries run without a gap from the manifest's first sequence number,
 * linked from its `prevHash`, every hash recomputed, to the manifest's last sequence number
 * and head hash; each entry's balance (and debt) follows from the one before it plus its
 * amount, from zero at seq 1 or from the previous day's last balance when that manifest
 * records it; the first entry of a wallet follows the previous day's head when that
 * manifest is given; no ledger entry was changed or removed in the table; the seal reports no
 * gap.
 */

export interface VerifyProblem {
  /** The object (file name) where it shows, when it shows in one. */
  object?: string;
  line?: number;
  wallet?: string;
  seq?: number;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  problems: VerifyProblem[];
  /** The first problem, by object and line, that names a wallet and sequence (else the first). */
  first?: VerifyProblem;
  summary: { tenantId?: string; day?: string; objects: number; records: number; wallets: number; entries: number };
}

export interface VerifyInput {
  manifest: Buffer | string;
  /** Every file of the folder but the manifests, by file name. */
  files: Map<string, Buffer>;
  previousManifest?: Buffer | string;
  /** The previous day's wallet index objects by file name (its manifest lists them; version 1 manifests hold them inline). */
  previousFiles?: Map<string, Buffer>;
}

interface Located {
  entry: LedgerEntry;
  object: string;
  objectIndex: number;
  line: number;
}

export function verifyExport(input: VerifyInput): VerifyResult {
  const problems: (VerifyProblem & { order: number })[] = [];
  const summary: VerifyResult['summary'] = { objects: 0, records: 0, wallets: 0, entries: 0 };
  let manifest: DayManifest;
  try {
    manifest = parseManifest(input.manifest);
  } catch (error) {
    return finish([{ message: (error as Error).message, order: 0 }], summary);
  }
  summary.tenantId = manifest.tenantId;
  summary.day = manifest.day;
  summary.objects = manifest.objects.length;
  const at = (objectIndex: number, line: number) => objectIndex * 1e9 + line;
  const END = Number.MAX_SAFE_INTEGER;

  const listed = new Set(fetchedObjects(manifest).map((object) => baseName(object.key)));
  const walletIndex = readWalletIndex(manifest, input.files);
  for (const problem of walletIndex.problems) problems.push({ ...problem, order: END - 2 });
  for (const name of [...input.files.keys()].sort()) {
    if (!listed.has(name)) problems.push({ object: name, message: 'is in the folder but not listed in the manifest', order: END - 1 });
  }

  const seenIds = new Map<string, string>();
  const chains = new Map<string, Located[]>();
  let records = 0;
  manifest.objects.forEach((object, objectIndex) => {
    const name = baseName(object.key);
    const body = input.files.get(name);
    if (!body) {
      problems.push({ object: name, message: 'is listed in the manifest but missing from the folder', order: at(objectIndex, 0) });
      return;
    }
    const sha256 = sha256Hex(body);
    if (sha256 !== object.sha256) {
      problems.push({ object: name, message: `SHA-256 is ${sha256}, the manifest says ${object.sha256}`, order: at(objectIndex, 0) });
    }
    const decoded = decodeJsonLines(body);
    if (decoded.error)
      problems.push({ object: name, line: decoded.error.line, message: decoded.error.reason, order: at(objectIndex, decoded.error.line) });
    if (decoded.records.length !== object.records) {
      problems.push({
        object: name,
        message: `holds ${decoded.records.length} records, the manifest says ${object.records}`,
        order: at(objectIndex, 0),
      });
    }
    decoded.records.forEach((record, index) => {
      const line = index + 1;
      const where = { object: name, line, order: at(objectIndex, line) };
      records += 1;
      const earlier = seenIds.get(record.recordId);
      if (earlier) {
        problems.push({ ...where, ...ledgerPlace(record), message: `record ${record.recordId} appears twice (first in ${earlier})` });
        return;
      }
      seenIds.set(record.recordId, `${name} line ${line}`);
      if (record.tenantId !== manifest.tenantId)
        problems.push({ ...where, message: `record ${record.recordId} belongs to tenant ${record.tenantId}` });
      if (typeof record.at !== 'string' || Number.isNaN(Date.parse(record.at)) || dayOf(record.at) !== manifest.day) {
        problems.push({
          ...where,
          ...ledgerPlace(record),
          message: `record ${record.recordId} is dated ${String(record.at)}, not ${manifest.day}`,
        });
      }
      if (TAMPER_KINDS.has(record.kind)) {
        problems.push({
          ...where,
          ...ledgerPlace(record),
          message: `the ledger entry was ${record.kind === 'ledger.modified' ? 'modified' : 'removed'} in the table at ${record.at} (the ledger is append-only)`,
        });
      }
      if (isLedgerEntryRecord(record)) {
        const label = walletLabel(record.entry);
        const chain = chains.get(label) ?? [];
        chain.push({ entry: record.entry, object: name, objectIndex, line });
        chains.set(label, chain);
      }
    });
  });
  summary.records = records;
  if (records !== manifest.recordCount)
    problems.push({ message: `the folder holds ${records} records, the manifest says ${manifest.recordCount}`, order: END });

  const previous = previousWallets(input.previousManifest, input.previousFiles, manifest, problems);
  const ranges = new Map(walletIndex.ranges.map((range) => [walletLabel(range), range]));
  for (const [label, chain] of chains) {
    if (!ranges.has(label)) {
      const first = chain[0]!;
      problems.push({
        object: first.object,
        line: first.line,
        wallet: label,
        seq: first.entry.seq,
        message: 'has entries but is not in the manifest',
        order: at(first.objectIndex, first.line),
      });
    }
  }
  for (const range of walletIndex.ranges) {
    const label = walletLabel(range);
    const chain = chains.get(label) ?? [];
    summary.wallets += 1;
    summary.entries += chain.length;
    problems.push(...chainProblems(label, range, chain, previous.get(label), manifest, at));
    problems.push(...continuityProblems(label, range, chain, previous.get(label), at));
  }
  for (const gap of manifest.gaps) {
    problems.push({
      wallet: walletLabel(gap),
      seq: gap.fromSeq,
      message: `seq ${gap.fromSeq}..${gap.toSeq} is missing from the seal: ${gap.reason}`,
      order: END,
    });
  }
  return finish(problems, summary);
}

function ledgerPlace(record: { kind: string; entry?: LedgerEntry; entryKey?: { accountId: string; wallet: string; seq: number } }) {
  const key = record.entry ?? record.entryKey;
  return key ? { wallet: walletLabel(key), seq: key.seq } : {};
}

function previousWallets(
  body: Buffer | string | undefined,
  files: Map<string, Buffer> | undefined,
  manifest: DayManifest,
  problems: VerifyProblem[],
): Map<string, WalletRange & { day: string }> {
  const wallets = new Map<string, WalletRange & { day: string }>();
  if (body === undefined) return wallets;
  let previous: DayManifest;
  try {
    previous = parseManifest(body);
  } catch (error) {
    problems.push({ message: `previous-manifest.json: ${(error as Error).message}` });
    return wallets;
  }
  if (previous.tenantId !== manifest.tenantId || previous.day >= manifest.day) {
    problems.push({
      message: `previous-manifest.json is ${previous.tenantId} ${previous.day}, not an earlier day of ${manifest.tenantId}`,
    });
    return wallets;
  }
  const index = readWalletIndex(previous, files ?? new Map());
  for (const problem of index.problems)
    problems.push({ message: `previous day's ${problem.object ?? 'wallet index'}: ${problem.message}` });
  for (const range of index.ranges) wallets.set(walletLabel(range), { ...range, day: previous.day });
  return wallets;
}

function chainProblems(
  label: string,
  range: WalletRange,
  chain: Located[],
  previous: (WalletRange & { day: string }) | undefined,
  manifest: DayManifest,
  at: (objectIndex: number, line: number) => number,
): (VerifyProblem & { order: number })[] {
  const out: (VerifyProblem & { order: number })[] = [];
  const place = (located: Located) => ({
    object: located.object,
    line: located.line,
    wallet: label,
    order: at(located.objectIndex, located.line),
  });
  if (chain.length === 0) {
    out.push({
      wallet: label,
      seq: range.firstSeq,
      message: `seq ${range.firstSeq}..${range.lastSeq} are in the manifest but not in any object`,
      order: Number.MAX_SAFE_INTEGER,
    });
    return out;
  }
  if (range.firstSeq === 1 && range.prevHash !== GENESIS_HASH) {
    out.push({ ...place(chain[0]!), seq: 1, message: 'seq 1 must link to the genesis hash' });
  }
  if (previous) {
    if (range.firstSeq !== previous.lastSeq + 1) {
      out.push({
        ...place(chain[0]!),
        seq: previous.lastSeq + 1,
        message: `the day starts at seq ${range.firstSeq} but ${previous.day} ended at seq ${previous.lastSeq}`,
      });
    } else if (range.prevHash !== previous.headHash) {
      out.push({ ...place(chain[0]!), seq: range.firstSeq, message: `seq ${range.firstSeq} does not link to ${previous.day}'s head hash` });
    }
  }

  const entries = chain.map((located) => located.entry);
  const broken = verifyChain(entries, { seq: range.firstSeq, prevHash: range.prevHash });
  if (broken) {
    const index = entries.findIndex((entry) => entry.seq === broken.seq);
    const located = chain[index]!;
    const expected = range.firstSeq + index;
    if (broken.reason === 'sequence_gap') {
      if (broken.seq > expected && entries.some((entry) => entry.seq === expected)) {
        out.push({ ...place(located), seq: expected, message: `seq ${expected} is out of order (seq ${broken.seq} comes before it)` });
      } else if (broken.seq > expected) {
        out.push({
          ...place(located),
          seq: expected,
          message: `seq ${expected} is missing (the export goes from seq ${expected - 1} to seq ${broken.seq})`,
        });
      } else {
        out.push({
          ...place(located),
          seq: broken.seq,
          message: `seq ${broken.seq} is out of order or repeated (seq ${expected} expected here)`,
        });
      }
    } else if (broken.reason === 'prev_hash_mismatch') {
      const to = index === 0 ? `the manifest's prevHash for ${manifest.day}` : `seq ${broken.seq - 1}`;
      out.push({ ...place(located), seq: broken.seq, message: `seq ${broken.seq} does not link to ${to} (prevHash differs)` });
    } else {
      out.push({ ...place(located), seq: broken.seq, message: `seq ${broken.seq} was altered: its hash does not match its content` });
    }
    return out;
  }
  const last = chain.at(-1)!;
  if (last.entry.seq !== range.lastSeq) {
    const seq = last.entry.seq < range.lastSeq ? last.entry.seq + 1 : last.entry.seq;
    out.push({ ...place(last), seq, message: `the export ends at seq ${last.entry.seq}, the manifest at seq ${range.lastSeq}` });
  } else if (last.entry.hash !== range.headHash) {
    out.push({ ...place(last), seq: last.entry.seq, message: "the last entry's hash is not the manifest's head hash" });
  } else if (chain.length !== range.entries) {
    out.push({ ...place(last), seq: last.entry.seq, message: `${chain.length} entries, the manifest says ${range.entries}` });
  }
  return out;
}

/**
 * Balance and debt along the wallet: each entry from the one before it (only across
 * consecutive sequence numbers; a gap is reported by the chain check), the first from zero at
 * seq 1 or from the previous day's recorded totals, and the last against the manifest's.
 */
function continuityProblems(
  label: string,
  range: WalletRange,
  chain: Located[],
  previous: (WalletRange & { day: string }) | undefined,
  at: (objectIndex: number, line: number) => number,
): (VerifyProblem & { order: number })[] {
  const first = chain[0];
  if (!first) return [];
  let before: { totals: WalletTotals; seq: number } | undefined;
  if (first.entry.seq === 1) before = { totals: { balance: 0, debt: 0 }, seq: 0 };
  else if (previous && typeof previous.lastBalance === 'number' && previous.lastSeq + 1 === first.entry.seq) {
    before = { totals: { balance: previous.lastBalance, debt: previous.lastDebt ?? 0 }, seq: previous.lastSeq };
  }
  for (const located of chain) {
    const { entry } = located;
    if (before && before.seq + 1 === entry.seq) {
      const reason = continuityBreak(before.totals, entry);
      if (reason) {
        const from = entry.seq === first.entry.seq && entry.seq > 1 ? ` (from ${previous?.day ?? 'the previous day'}'s last balance)` : '';
        return [
          {
            object: located.object,
            line: located.line,
            wallet: label,
            seq: entry.seq,
            message: `seq ${entry.seq} ${reason}${from}`,
            order: at(located.objectIndex, located.line),
          },
        ];
      }
    }
    before = { totals: totalsAfter(entry), seq: entry.seq };
  }
  const last = chain.at(-1)!;
  if (typeof range.lastBalance === 'number' && last.entry.seq === range.lastSeq && last.entry.balanceAfter !== range.lastBalance) {
    return [
      {
        object: last.object,
        line: last.line,
        wallet: label,
        seq: last.entry.seq,
        message: `the last entry's balanceAfter is ${last.entry.balanceAfter}, the manifest says ${range.lastBalance}`,
        order: at(last.objectIndex, last.line),
      },
    ];
  }
  return [];
}

function finish(problems: (VerifyProblem & { order: number })[], summary: VerifyResult['summary']): VerifyResult {
  const sorted = problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => a.problem.order - b.problem.order || a.index - b.index)
    .map(({ problem: { order: _order, ...problem } }) => problem);
  const first = sorted.find((problem) => problem.wallet !== undefined && problem.seq !== undefined) ?? sorted[0];
  return { ok: sorted.length === 0, problems: sorted, ...(first ? { first } : {}), summary };
}

/** One line per problem: where, then what. */
export function describeProblem(problem: VerifyProblem): string {
  const where = [
    problem.object ? `object ${problem.object}${problem.line ? ` line ${problem.line}` : ''}` : undefined,
    problem.wallet ? `wallet ${problem.wallet}` : undefined,
    problem.seq !== undefined ? `seq ${problem.seq}` : undefined,
  ].filter(Boolean);
  return where.length > 0 ? `${where.join(', ')}: ${problem.message}` : problem.message;
}
