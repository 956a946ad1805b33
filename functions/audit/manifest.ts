import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../domain/types.ts';
import { isLedgerEntryRecord, TAMPER_KINDS, type AuditRecord } from './records.ts';

/**
 * Version 3 seals a big day in ranges of its sort order, one invocation each (seal.ts): parts
 * and wallet index objects are listed range after range (so the parts still hold the day in
 * order), `ranges` says how the day was cut, and a wallet whose entries cross a range boundary
 * is listed once, joined, in a last wallet index object. Version 2 (one range, no `ranges`)
 * keeps the per-wallet ranges and the list of exporter objects out of the manifest (index
 * objects listed with their SHA-256), so a day of any size has a small manifest. Versions 2 and
 * 1 are still read; `parseManifest` returns a version 1 manifest's wallets as `inlineWallets`.
 */
export const MANIFEST_FORMAT = 'rrr-audit-day/3';
export const MANIFEST_FORMAT_V2 = 'rrr-audit-day/2';
export const MANIFEST_FORMAT_V1 = 'rrr-audit-day/1';

export interface ManifestObject {
  key: string;
  sha256: string;
  records: number;
  bytes: number;
}

/** One wallet's entries in the day: a contiguous run of its chain, from `prevHash` to `headHash`. */
export interface WalletRange {
  accountId: string;
  wallet: string;
  firstSeq: number;
  lastSeq: number;
  entries: number;
  /** The hash the day's first entry links to (the previous day's head, or the genesis hash). */
  prevHash: string;
  /** The hash of the day's last entry. */
  headHash: string;
  /**
   * Balance and debt after the day's last entry, so the next day's first entry can be checked
   * to follow from them. Absent in manifests sealed before they were recorded.
   */
  lastBalance?: number;
  lastDebt?: number;
}

/** One range of a sealed day: its records from sort key `from` (the first range has none) to the next range's. */
export interface SealedRange {
  from?: string;
  records: number;
  objects: number;
}

/** Sequence numbers of a wallet that belong in the day but could not be found anywhere. */
export interface WalletGap {
  accountId: string;
  wallet: string;
  fromSeq: number;
  toSeq: number;
  reason: string;
}

/**
 * The seal of one tenant's day. Lists every object of the export with its SHA-256 and record
 * count, each wallet's sequence range and chain heads, and the exporter objects it was built
 * from. A later seal of the same day (records that arrived late) is a new revision at the same
 * key; on AWS the bucket's versioning keeps every earlier revision, locked.
 */
export interface DayManifest {
  format: typeof MANIFEST_FORMAT | typeof MANIFEST_FORMAT_V2 | typeof MANIFEST_FORMAT_V1;
  tenantId: string;
  day: string;
  revision: number;
  sealedAt: string;
  /** False when sealed on request before the day ended: later records make a new revision. */
  dayClosed: boolean;
  recordCount: number;
  kinds: Record<string, number>;
  objects: ManifestObject[];
  /** How many wallets have entries this day. */
  walletCount: number;
  /**
   * The wallets' ranges as JSON Lines objects (one `WalletRange` a line): in wallet order within
   * each sealed range, then the wallets that cross a range boundary (version 3).
   */
  walletIndex: ManifestObject[];
  /** Ledger entries changed or removed in the table this day (the ledger is append-only). */
  tamperEvents: number;
  gaps: WalletGap[];
  /** Ledger entries read back from the table because the stream never delivered them. */
  backfilled: number;
  /** Redelivered copies of records dropped while sealing. */
  duplicatesDropped: number;
  /** The exporter objects the seal was built from: how many, a digest of their keys and sizes, and their list as objects. */
  sourceCount: number;
  sourcesDigest: string;
  sourceIndex: ManifestObject[];
  /** How the day was cut for sealing, in order (version 3; one range unless the day is big). */
  ranges?: SealedRange[];
  /** Version 1 manifests only: the wallet ranges they held inline. */
  inlineWallets?: WalletRange[];
}

export const walletLabel = (range: { accountId: string; wallet: string }) => `${range.accountId}/${range.wallet}`;

/** A wallet's range opened at the day's first entry of that wallet. */
export function startRange(entry: LedgerEntry): WalletRange {
  return {
    accountId: entry.accountId,
    wallet: entry.wallet,
    firstSeq: entry.seq,
    lastSeq: entry.seq,
    entries: 1,
    prevHash: entry.prevHash,
    headHash: entry.hash,
    lastBalance: entry.balanceAfter,
    lastDebt: entry.debtAfter,
  };
}

/** The range carried on to the wallet's next entry of the day (entries arrive in sequence order). */
export function extendRange(range: WalletRange, entry: LedgerEntry): void {
  range.lastSeq = entry.seq;
  range.entries += 1;
  range.headHash = entry.hash;
  range.lastBalance = entry.balanceAfter;
  range.lastDebt = entry.debtAfter;
}

/** Wallet ranges of records already in day order (ledger entries by account, wallet, sequence). */
export function walletRanges(records: AuditRecord[]): WalletRange[] {
  const ranges = new Map<string, WalletRange>();
  for (const record of records) {
    if (!isLedgerEntryRecord(record)) continue;
    const range = ranges.get(walletLabel(record.entry));
    if (!range) ranges.set(walletLabel(record.entry), startRange(record.entry));
    else extendRange(range, record.entry);
  }
  return [...ranges.values()];
}

export function countKinds(records: AuditRecord[]): { kinds: Record<string, number>; tamperEvents: number } {
  const kinds: Record<string, number> = {};
  let tamperEvents = 0;
  for (const record of records) {
    kinds[record.kind] = (kinds[record.kind] ?? 0) + 1;
    if (TAMPER_KINDS.has(record.kind)) tamperEvents += 1;
  }
  return { kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b))), tamperEvents };
}

export const encodeManifest = (manifest: DayManifest) => Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');

/** Identifies the exporter objects a seal covered by key and size, whatever their number. */
export function sourcesDigest(sources: { key: string; size: number }[]): string {
  const hash = createHash('sha256');
  for (const source of sources) hash.update(`${source.key}\t${source.size}\n`);
  return hash.digest('hex');
}

/** A manifest read back, with its shape checked enough to verify against; throws naming what is wrong. */
export function parseManifest(body: Buffer | string): DayManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString());
  } catch {
    throw new Error('manifest.json is not JSON');
  }
  const manifest = parsed as Partial<DayManifest> & { wallets?: WalletRange[]; sources?: ManifestObject[] };
  if (manifest?.format === MANIFEST_FORMAT_V1) return fromVersion1(manifest);
  if (manifest?.format !== MANIFEST_FORMAT && manifest?.format !== MANIFEST_FORMAT_V2) {
    throw new Error(
      `manifest.json is not a ${MANIFEST_FORMAT} (or ${MANIFEST_FORMAT_V2}, ${MANIFEST_FORMAT_V1}) manifest: format ${String(manifest?.format)}`,
    );
  }
  checkShape(
    manifest,
    manifest.format === MANIFEST_FORMAT
      ? ['objects', 'walletIndex', 'gaps', 'sourceIndex', 'ranges']
      : ['objects', 'walletIndex', 'gaps', 'sourceIndex'],
  );
  return manifest as DayManifest;
}

function checkShape(manifest: Record<string, unknown>, lists: string[]): void {
  for (const field of ['tenantId', 'day', 'sealedAt']) {
    if (typeof manifest[field] !== 'string') throw new Error(`manifest.json has no ${field}`);
  }
  for (const field of lists) {
    if (!Array.isArray(manifest[field])) throw new Error(`manifest.json has no ${field} list`);
  }
  if (typeof manifest.recordCount !== 'number') throw new Error('manifest.json has no recordCount');
}

/** A version 1 manifest in today's shape: its inline wallets kept aside, its sources summarised. */
function fromVersion1(manifest: Partial<DayManifest> & { wallets?: WalletRange[]; sources?: ManifestObject[] }): DayManifest {
  checkShape(manifest, ['objects', 'wallets', 'gaps', 'sources']);
  const { wallets, sources, ...rest } = manifest as DayManifest & { wallets: WalletRange[]; sources: ManifestObject[] };
  return {
    ...rest,
    walletCount: wallets.length,
    walletIndex: [],
    sourceCount: sources.length,
    sourcesDigest: sourcesDigest(sources.map((source) => ({ key: source.key, size: source.bytes }))),
    sourceIndex: [],
    inlineWallets: wallets,
  };
}
