import type { Account } from './types.ts';

export type TrustLevel = 'L0' | 'L1' | 'L2' | 'L3';

/** SPEC section 3: computed from verification flags, linked profile and fraud flags. */
export function trustLevel(account: Pick<Account, 'verification' | 'profile' | 'fraudFlag'>): TrustLevel {
  const { email, phone, enhanced } = account.verification;
  const linked = Boolean(account.profile.profileId);
  if (!email || !linked) return 'L0';
  if (!phone || account.fraudFlag) return 'L1';
  return enhanced ? 'L3' : 'L2';
}
