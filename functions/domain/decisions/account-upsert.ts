import { blockingLock, lockExtra } from '../locks.ts';
import { emptyWallet } from '../lots.ts';
import { GENESIS_HASH } from '../hash-chain.ts';
import { refuse } from '../result.ts';
import { eventsOf, type Decision } from '../plan.ts';
import { tierNames, type TenantConfig } from '../tenant-config.ts';
import { partnerSetsTier, settleTier, type TierOutcome } from '../tier-changes.ts';
import type { Account, AccountRole, RequestContext, Verification } from '../types.ts';
import { partnerAccountView } from '../views.ts';

export interface AccountUpsertRequest {
  accountId: string;
  profile: { profileId: string; role: AccountRole };
  verification?: Partial<Verification>;
  tier?: string;
}

/**
 * Creates an account or updates its profile, verification flags and tier. Moves no points. A
 * tier given applies at once and is the floor of period-end downgrades (tier-changes.ts); on an
 * existing account a change is a `tier.changed` event (cause `partner`), after any period-end
 * change the settlement records first.
 */
export function decideAccountUpsert(
  found: Account | undefined,
  request: AccountUpsertRequest,
  config: TenantConfig,
  ctx: RequestContext,
): Decision {
  const lock = found && blockingLock(found, 'account', ctx.now);
  if (lock) {
    return refuse(
      'account_locked',
      'This account is locked (account lock): it takes no changes until the lock is lifted or ends',
      lockExtra(lock),
    );
  }
  const tiers = tierNames(config, ctx.now);
  if (request.tier !== undefined && !tiers.includes(request.tier)) {
    return refuse('unknown_tier', `Unknown tier "${request.tier}"; this tenant's tiers are: ${tiers.join(', ')}`);
  }
  const tiered = found ? tierChanges(found, request.tier, config, ctx) : undefined;
  const existing = tiered?.account;
  const tier = existing?.tier ?? request.tier ?? tiers[0] ?? 'Guest';
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
  const updated: Account = {
    ...base,
    profile: request.profile,
    verification,
    tier,
    wallets,
    updatedAt: ctx.now,
    version: base.version + 1,
  };
  // A new account under qualification starts its tier status, the tier given (or the first) its floor.
  const next = existing ? updated : settleTier(updated, config, ctx).account;
  return {
    ok: true,
    accounts: [{ next, expectedVersion: existing ? existing.version : null }],
    entries: [],
    ...eventsOf(tiered?.events ?? []),
    result: { effect: existing ? 'updated' : 'created', body: partnerAccountView(next, ctx.now) },
  };
}

/** An existing account's tier settled, then the partner's tier (if given) applied. */
function tierChanges(account: Account, given: string | undefined, config: TenantConfig, ctx: RequestContext): TierOutcome {
  const settled = settleTier(account, config, ctx);
  if (given === undefined) return settled;
  const set = partnerSetsTier(settled.account, given, ctx);
  return { account: set.account, events: [...settled.events, ...set.events] };
}
