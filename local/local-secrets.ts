import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readJsonIfExists, writePrivateJson } from './private-file.ts';

export interface LocalSecrets {
  /** 32 bytes of hex: the HMAC key partner keys and client metadata are hashed with. */
  hashKey: string;
}

const HASH_KEY_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The local service's secrets, generated on first start. Kept in `<localDir>/secrets.json`
 * when data is kept, because partner keys are stored only as keyed hashes: a new hash key
 * would make every existing key fail to verify. Without a folder nothing is written.
 */
export async function loadLocalSecrets(localDir: string | undefined): Promise<LocalSecrets> {
  if (localDir === undefined) return generateSecrets();
  const path = join(localDir, 'secrets.json');
  const stored = await readJsonIfExists(path);
  if (stored === undefined) {
    const secrets = generateSecrets();
    await writePrivateJson(path, secrets);
    return secrets;
  }
  const hashKey = (stored as Partial<LocalSecrets> | null)?.hashKey;
  if (typeof hashKey !== 'string' || !HASH_KEY_PATTERN.test(hashKey)) {
    throw new Error(`${path} has no valid hashKey; delete it to generate a new one (existing partner keys will stop working)`);
  }
  return { hashKey };
}

function generateSecrets(): LocalSecrets {
  return { hashKey: randomBytes(32).toString('hex') };
}
