import { blockingLock, lockExtra } from '../locks.ts';
import { emptyWallet } from '../lots.ts';
import { GENESIS_HASH } from '../hash-chain.ts';
import { refuse } from '../result.ts';
import type { Decision } from '../plan.ts';
import { tierNames, type TenantConfig } from '../tenant-config.ts';
import type { Account, AccountRole, RequestContext, Verification } from '../types.ts';
import { partnerAccountView } from '../views.ts';

export interface AccountUpsertRequest {
  accountId: string;
  profile: { profileId: string; role: AccountRole };
  verification?: Partial<Verification>;
  tier?: string;
}

/** Creates an account or updates its profile, verification flags and tier. Moves no points. */
export function decideAccountUpsert(
  existing: Account | undefined,
  request: AccountUpsertRequest,
  config: TenantConfig,
  ctx: RequestContext,
): Decision {
  const lock = existing && blockingLock(existing, 'account', ctx.now);
  if (lock) {
    return refuse(
      'account_locked',
      'This account is locked (account lock): it takes no changes until the lock is lifted or ends',
      lockExtra(lock),
    );
  }
  const tiers = tierNames(config, ctx.now);
  const tier = request.tier ?? existing?.tier ?? tiers[0] ?? 'Guest';
  if (request.tier !== undefined && !tiers.includes(tier)) {
    return refuse('unknown_tier', `Unknown tier "${tier}"; this tenant's tiers are: ${tiers.join(', ')}`);
  }
  const verification: Verification = {
    email: request.verification?.email ?? existing?.verification.email ?? false,
    phone: request.verification?.phone ?? existing?.verification.phone ?? false,
    enhanced: request.verification?.enhanced ?? existing?.verification.enhanced ?? false,
  };
  const base: Omit<Account, 'profile' | 'verification' | 'tier' | 'updatedAt'> = existing ?? {
    tenantId: ctx.tenantId,
    accountId: request.accountId,
    fraudFlag: false,
    createdAt: ctx.now,
    version: 0,
    wallets: { points: emptyWallet(GENESIS_HASH) },
    locks: [],
  };
  const wallets =
    request.profile.role === 'MODEL' && !base.wallets.allocation
      ? { ...base.wallets, allocation: emptyWallet(GENESIS_HASH) }
      : base.wallets;
  const next: Account = {
    ...base,
    profile: request.profile,
    verification,
    tier,
    wallets,
    updatedAt: ctx.now,
    version: base.version + 1,
  };
  return {
    ok: true,
    accounts: [{ next, expectedVersion: existing ? existing.version : null }],
    entries: [],
    result: { effect: existing ? 'updated' : 'created', body: partnerAccountView(next, ctx.now) },
  };
}
