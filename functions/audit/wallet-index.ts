import { gunzipSync } from 'node:zlib';
import { sha256Hex } from './jsonl.ts';
import { baseName } from './layout.ts';
import type { DayManifest, WalletRange } from './manifest.ts';

/**
 * A sealed day's per-wallet ranges, read from the index objects its manifest lists (each checked
 * against the manifest's SHA-256 and line count), or from the manifest itself for a version 1
 * seal. Problems name the index object; the ranges read are returned whatever was found wrong.
 */
export function readWalletIndex(
  manifest: DayManifest,
  files: Map<string, Buffer>,
): { ranges: WalletRange[]; problems: { object?: string; message: string }[] } {
  if (manifest.inlineWallets) return { ranges: manifest.inlineWallets, problems: [] };
  const ranges: WalletRange[] = [];
  const problems: { object?: string; message: string }[] = [];
  for (const object of manifest.walletIndex) {
    const name = baseName(object.key);
    const body = files.get(name);
    if (!body) {
      problems.push({ object: name, message: 'is listed in the manifest but missing from the folder' });
      continue;
    }
    const sha256 = sha256Hex(body);
    if (sha256 !== object.sha256) problems.push({ object: name, message: `SHA-256 is ${sha256}, the manifest says ${object.sha256}` });
    let lines: string[];
    try {
      lines = gunzipSync(body).toString('utf8').split('\n').filter(Boolean);
    } catch (error) {
      problems.push({ object: name, message: `not gzip: ${(error as Error).message}` });
      continue;
    }
    if (lines.length !== object.records)
      problems.push({ object: name, message: `holds ${lines.length} wallets, the manifest says ${object.records}` });
    for (const [index, line] of lines.entries()) {
      try {
        ranges.push(JSON.parse(line) as WalletRange);
      } catch {
        problems.push({ object: name, message: `line ${index + 1} is not JSON` });
      }
    }
  }
  if (problems.length === 0 && ranges.length !== manifest.walletCount) {
    problems.push({ message: `the wallet index holds ${ranges.length} wallets, the manifest says ${manifest.walletCount}` });
  }
  return { ranges, problems };
}

/** The objects `fetch` downloads for a day: its parts and its wallet index (the source list stays in the bucket). */
export const fetchedObjects = (manifest: DayManifest) => [...manifest.objects, ...manifest.walletIndex];
