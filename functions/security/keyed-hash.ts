import { createHmac } from 'node:crypto';

/**
 * Keyed hashing for partner keys and client metadata (IP, device): without the key a stolen
 * table or export cannot be matched against guessed values. The key comes from the
 * environment (generated at start offline, a secret in AWS), read once.
 */
let hashKey: Buffer | undefined;

function key(): Buffer {
  if (!hashKey) {
    const hex = process.env.HASH_KEY;
    if (!hex || !/^[0-9a-f]{64}$/i.test(hex)) throw new Error('HASH_KEY must be 32 bytes of hex');
    hashKey = Buffer.from(hex, 'hex');
  }
  return hashKey;
}

export function keyedHash(purpose: string, value: string): string {
  return createHmac('sha256', key()).update(`${purpose}\u0000${value}`).digest('base64url');
}
