import { ruleInForce, type TenantConfig } from './tenant-config.ts';
import { tierInForce } from './tier-in-force.ts';
import {
  qualificationOf,
  qualifiedTier,
  tierRank,
  utcMonth,
  windowPoints,
  windowStartMonth,
  type QualifyingSource,
  type TierChange,
  type TierStatus,
} from './tier-qualification.ts';
import type { Account, AccountEvent, Actor, RequestContext } from './types.ts';

/**
 * What a write does to an account's tier state, in the write's own transaction: it settles the
 * tier (period-end downgrades since the last settlement become `tier.changed` events), counts
 * an earn's qualifying points (and upgrades at once when they reach a higher threshold), takes
 * a reversal's points back out, or records a partner's choice. Pure: the decisions call these
 * and put the events in their plan.
 */

export interface TierOutcome {
  account: Account;
  events: AccountEvent[];
}

/** Qualification and period-end changes are the engine's, whoever's request recorded them. */
const QUALIFICATION_ACTOR: Actor = { kind: 'system', id: 'tier-qualification' };

/** One `tier.changed` event; `pointsSeq` is the points entry it follows (see keys.accountEvent). */
export function tierEvent(account: Account, ctx: RequestContext, change: TierChange, pointsSeq: number): AccountEvent {
  return {
    tenantId: account.tenantId,
    accountId: account.accountId,
    // Unique within the transaction (a period end and an upgrade may share it): the cause and instant tell them apart.
    eventId: `${ctx.transactionId}:tier:${change.cause}:${change.effectiveAt}`,
    type: 'tier.changed',
    at: ctx.now,
    actor: change.cause === 'partner' ? ctx.actor : QUALIFICATION_ACTOR,
    requestId: ctx.requestId,
    pointsSeq,
    tier: change,
  };
}

/** Buckets a window can still reach from `now` on (nothing older is ever read again). */
function pruned(earned: Record<string, number> | undefined, now: string, windowMonths: number): Record<string, number> | undefined {
  const from = windowStartMonth(now, windowMonths);
  const kept = Object.entries(earned ?? {}).filter(([month, points]) => month >= from && points !== 0);
  // Absent rather than empty: the account item carries no empty map.
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

function withStatus(account: Account, tier: string, status: TierStatus, earned: Record<string, number> | undefined): Account {
  return { ...account, tier, tierStatus: { settledAt: status.settledAt, floor: status.floor, ...(earned ? { earned } : {}) } };
}

/**
 * The account with its tier settled at `ctx.now`: the tier in force (period-end downgrades
 * applied, each an event effective at its period end), buckets outside the window dropped.
 * An account of a tenant whose qualification has never been on for it is left as it is (its
 * item does not change shape); the first settlement under qualification takes the stored tier,
 * the partner's until then, as the floor.
 */
export function settleTier(account: Account, config: TenantConfig, ctx: RequestContext): TierOutcome {
  const qualification = qualificationOf(ruleInForce(config, ctx.now));
  if (!account.tierStatus && !qualification.enabled) return { account, events: [] };
  const status = account.tierStatus ?? { settledAt: ctx.now, floor: account.tier };
  const inForce = tierInForce(account.tier, status, config, ctx.now);
  const earned = pruned(status.earned, ctx.now, qualification.windowMonths);
  const seq = account.wallets.points.seq;
  return {
    account: withStatus(account, inForce.tier, { settledAt: ctx.now, floor: status.floor }, earned),
    events: inForce.changes.map((change) => tierEvent(account, ctx, change, seq)),
  };
}

export interface CountedEarn extends TierOutcome {
  /** The bucket the points went to (absent: they did not count). */
  month?: string;
}

/**
 * Counts a settled account's earn towards qualification (when qualification is on and the
 * source counts), in the UTC month of its `occurredAt` (a backdated earn whose month has left
 * the window counts for nothing). When the window now reaches a higher tier, the account moves
 * up at once (effective now): the earn itself was priced with the tier in force before it.
 */
export function countEarn(
  account: Account,
  earn: { source: QualifyingSource; points: number; occurredAt: string; entrySeq: number },
  config: TenantConfig,
  ctx: RequestContext,
): CountedEarn {
  const rule = ruleInForce(config, ctx.now);
  const qualification = qualificationOf(rule);
  const status = account.tierStatus;
  if (!rule || !status || !qualification.enabled || earn.points <= 0 || !qualification.sources.includes(earn.source)) {
    return { account, events: [] };
  }
  const month = utcMonth(earn.occurredAt);
  if (month < windowStartMonth(ctx.now, qualification.windowMonths)) return { account, events: [] };
  const earned = { ...status.earned, [month]: (status.earned?.[month] ?? 0) + earn.points };
  const points = windowPoints(earned, ctx.now, qualification.windowMonths);
  const qualified = qualifiedTier(rule, points);
  const counted = withStatus(account, account.tier, status, earned);
  // A tier the version no longer lists ranks below all: the first qualification lands the member on a listed one.
  if (tierRank(rule, qualified) <= tierRank(rule, account.tier)) return { account: counted, events: [], month };
  const change: TierChange = { from: account.tier, to: qualified, cause: 'qualification', effectiveAt: ctx.now, qualifyingPoints: points };
  return { account: { ...counted, tier: qualified }, events: [tierEvent(account, ctx, change, earn.entrySeq)], month };
}

/**
 * Takes a reversed earn's points back out of the bucket it counted in (if the bucket is still
 * kept). No downgrade at once: the lower window is judged at the next period end, like any other.
 */
export function uncountEarn(account: Account, month: string | undefined, points: number): Account {
  const status = account.tierStatus;
  const had = month === undefined ? undefined : status?.earned?.[month];
  if (!status || month === undefined || had === undefined) return account;
  const left = Math.max(0, had - points);
  const { [month]: _gone, ...others } = status.earned ?? {};
  const earned = left > 0 ? { ...others, [month]: left } : others;
  return withStatus(account, account.tier, status, Object.keys(earned).length > 0 ? earned : undefined);
}

/**
 * A partner sets the tier (PUT account): it applies at once, up or down, and becomes the floor a
 * period end never goes below; qualification may still lift the account above it. A change of
 * tier on an existing account is a `tier.changed` event with cause `partner`.
 */
export function partnerSetsTier(account: Account, tier: string, ctx: RequestContext): TierOutcome {
  const status = account.tierStatus;
  const next: Account = { ...account, tier, ...(status ? { tierStatus: { ...status, floor: tier } } : {}) };
  if (tier === account.tier) return { account: next, events: [] };
  const change: TierChange = { from: account.tier, to: tier, cause: 'partner', effectiveAt: ctx.now };
  return { account: next, events: [tierEvent(account, ctx, change, account.wallets.points.seq)] };
}
