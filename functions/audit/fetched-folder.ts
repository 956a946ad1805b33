import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MANIFEST_NAME } from './layout.ts';
import type { VerifyInput } from './verify.ts';

/** What `rrr-audit fetch` names the previous sealed day's manifest and wallet index objects. */
export const PREVIOUS_PREFIX = 'previous-';
export const PREVIOUS_MANIFEST = `${PREVIOUS_PREFIX}${MANIFEST_NAME}`;

/**
 * A folder `rrr-audit fetch` wrote, as verifyExport takes it: the manifest, the day's objects
 * (parts and wallet index), and the previous day's manifest with its wallet index objects
 * (saved with the `previous-` prefix). `previousPath` names another previous manifest; its
 * wallet index is read from its own folder (fetched there, prefixed or not).
 */
export async function readFetchedFolder(dir: string, previousPath?: string): Promise<VerifyInput> {
  const names = await readdir(dir);
  const files = new Map<string, Buffer>();
  const previousFiles = new Map<string, Buffer>();
  for (const name of names) {
    if (!name.endsWith('.jsonl.gz')) continue;
    if (name.startsWith(PREVIOUS_PREFIX)) previousFiles.set(name.slice(PREVIOUS_PREFIX.length), await readFile(join(dir, name)));
    else files.set(name, await readFile(join(dir, name)));
  }
  const input: VerifyInput = { manifest: await readFile(join(dir, MANIFEST_NAME)), files };
  const previous = previousPath ?? (names.includes(PREVIOUS_MANIFEST) ? join(dir, PREVIOUS_MANIFEST) : undefined);
  if (!previous) return input;
  if (previousPath && resolve(dirname(previousPath)) !== resolve(dir)) {
    previousFiles.clear();
    const previousDir = dirname(previousPath);
    for (const name of await readdir(previousDir)) {
      if (!name.endsWith('.jsonl.gz')) continue;
      const plain = name.startsWith(PREVIOUS_PREFIX) ? name.slice(PREVIOUS_PREFIX.length) : name;
      if (plain.startsWith('wallets-')) previousFiles.set(plain, await readFile(join(previousDir, name)));
    }
  }
  return { ...input, previousManifest: await readFile(previous), previousFiles };
}
