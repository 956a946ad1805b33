import { createHash } from 'node:crypto';
import type { LedgerEntry } from './types.ts';

/** The previous-hash of a wallet's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so a hash never depends on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** An entry's hash covers every field but the hash itself, including the previous hash. */
export function hashLedgerEntry(entry: Omit<LedgerEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

export type ChainBreak = { seq: number; reason: 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' };

/**
 * Checks a wallet's entries in sequence order; returns the first break. From the wallet's first
 * entry by default, or from any point of the chain (an export of one day starts mid-chain: at
 * its first sequence number, linked to the previous day's head hash).
 */
export function verifyChain(
  entries: LedgerEntry[],
  from: { seq: number; prevHash: string } = { seq: 1, prevHash: GENESIS_HASH },
): ChainBreak | undefined {
  let prevHash = from.prevHash;
  let expectedSeq = from.seq;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) return { seq: entry.seq, reason: 'sequence_gap' };
    if (entry.prevHash !== prevHash) return { seq: entry.seq, reason: 'prev_hash_mismatch' };
    const { hash, ...rest } = entry;
    if (hashLedgerEntry(rest) !== hash) return { seq: entry.seq, reason: 'hash_mismatch' };
    prevHash = hash;
    expectedSeq += 1;
  }
  return undefined;
}
