import { ruleInForce, type TenantConfig } from './tenant-config.ts';
import {
  qualificationOf,
  qualifiedTier,
  tierRank,
  windowPoints,
  type QualificationPeriod,
  type TierChange,
  type TierStatus,
} from './tier-qualification.ts';

/**
 * The tier in force, lazily: a pure function of the stored tier state and `now`. Nothing sweeps
 * accounts at a period end (a tenant of ten million members costs nothing then); whoever reads
 * or writes an account afterwards computes the same answer, and the next write that settles the
 * tier records each change with the period end as its `effectiveAt`.
 */

const PERIOD_MONTHS: Record<QualificationPeriod, number> = { month: 1, quarter: 3, year: 12 };

/** Whether a UTC month start ends a period (quarters end before January, April, July and October). */
const endsPeriod = (monthStart: Date, period: QualificationPeriod) => monthStart.getUTCMonth() % PERIOD_MONTHS[period] === 0;

/** UTC month starts in (after, upTo]: the only instants at which any period can end. */
function* monthStartsBetween(after: string, upTo: string): Generator<Date> {
  const first = new Date(after);
  let cursor = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
  const end = Date.parse(upTo);
  while (cursor.getTime() <= end) {
    yield cursor;
    cursor = new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + 1, 1));
  }
}

export interface TierInForce {
  tier: string;
  /** Period-end downgrades since the state was last settled, oldest first. */
  changes: TierChange[];
}

/**
 * The tier in force at `now`: the stored tier, lowered at each period end since the state was
 * last settled where the window that closed then no longer reaches it (never below the
 * partner's floor, never raised: upgrades come with earns). Each period end is judged by the
 * version in force at it; one whose qualification is off, or that does not list the tier,
 * changes nothing. An account without a tier status (qualification never on for it) keeps its
 * stored tier. One step per UTC month since the last settlement: CPU only, no read.
 */
export function tierInForce(tier: string, status: TierStatus | undefined, config: TenantConfig, now: string): TierInForce {
  if (!status) return { tier, changes: [] };
  const changes: TierChange[] = [];
  let current = tier;
  for (const periodEnd of monthStartsBetween(status.settledAt, now)) {
    const at = periodEnd.toISOString();
    const rule = ruleInForce(config, at);
    const qualification = qualificationOf(rule);
    if (!rule || !qualification.enabled || !endsPeriod(periodEnd, qualification.period)) continue;
    const rank = tierRank(rule, current);
    if (rank < 0) continue;
    // The window that just closed: the months up to the one that ended with the period.
    const points = windowPoints(status.earned, new Date(periodEnd.getTime() - 1).toISOString(), qualification.windowMonths);
    const qualified = qualifiedTier(rule, points);
    const target = tierRank(rule, status.floor) > tierRank(rule, qualified) ? status.floor : qualified;
    if (tierRank(rule, target) >= rank) continue;
    changes.push({ from: current, to: target, cause: 'period_end', effectiveAt: at, qualifyingPoints: points });
    current = target;
  }
  return { tier: current, changes };
}

/** The account as views show it: with the tier in force at `now` (nothing written). */
export function withTierInForce<A extends { tier: string; tierStatus?: TierStatus }>(account: A, config: TenantConfig, now: string): A {
  const inForce = tierInForce(account.tier, account.tierStatus, config, now);
  return inForce.tier === account.tier ? account : { ...account, tier: inForce.tier };
}
