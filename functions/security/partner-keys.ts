import { randomBytes } from 'node:crypto';
import { keyedHash } from './keyed-hash.ts';

/** Partner keys look like `rrr_<43 base64url chars>`: easy to spot in a leaked file, 256 bits. */
export const PARTNER_KEY_PATTERN = /^rrr_[A-Za-z0-9_-]{43}$/;

export function mintPartnerKey(): { key: string; keyId: string } {
  return { key: `rrr_${randomBytes(32).toString('base64url')}`, keyId: `key_${randomBytes(8).toString('hex')}` };
}

export const partnerKeyHash = (key: string) => keyedHash('partner-key', key);
