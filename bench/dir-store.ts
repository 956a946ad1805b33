import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { ObjectStore, StoredObject } from '../functions/audit/object-store.ts';

/**
 * The audit bucket's layout as plain files under `root` (a key is a relative path): what the
 * local S3 keeps on disk, without a server in the measured process, so the sealer's memory is
 * measured alone.
 */
export function dirStore(root: string): ObjectStore {
  const pathOf = (key: string) => join(root, key);
  const walk = async (dir: string): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const out: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) out.push(...(await walk(path)));
      else out.push(path);
    }
    return out;
  };
  return {
    async list(prefix) {
      const base = prefix.endsWith('/') ? prefix : dirname(prefix);
      const objects: StoredObject[] = [];
      for (const path of await walk(pathOf(base))) {
        const key = relative(root, path);
        if (!key.startsWith(prefix)) continue;
        objects.push({ key, size: (await stat(path)).size });
      }
      return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async listPrefixes(prefix) {
      const entries = await readdir(pathOf(prefix), { withFileTypes: true }).catch(() => []);
      return entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${prefix}${entry.name}/`)
        .sort();
    },
    async get(key) {
      return readFile(pathOf(key)).catch(() => undefined);
    },
    async put(key, body) {
      await mkdir(dirname(pathOf(key)), { recursive: true });
      await writeFile(pathOf(key), body);
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
