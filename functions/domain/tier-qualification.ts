import type { ConfigVersion } from './tenant-config.ts';

/**
 * Tier qualification (SPEC section 2, issue 12 item 4): its settings, the window arithmetic and
 * the ranking. Qualifying points are counted in UTC-month buckets on the account item; the
 * window is the last `windowMonths` UTC months. An earn that reaches a higher threshold upgrades
 * at once (tier-changes.ts); a downgrade is judged only at each period end, lazily, from the
 * stored state and `now` (tier-in-force.ts), so no sweep over accounts is needed.
 */

export const QUALIFICATION_PERIODS = ['month', 'quarter', 'year'] as const;
export type QualificationPeriod = (typeof QUALIFICATION_PERIODS)[number];

/** Earn sources whose points may count towards qualification. */
export const QUALIFYING_SOURCES = ['purchase', 'promotion', 'bonus'] as const;
export type QualifyingSource = (typeof QUALIFYING_SOURCES)[number];

export const MAX_WINDOW_MONTHS = 36;

/** The `tierQualification` section of a configuration version. */
export interface TierQualification {
  /** Off: tiers are the partner's call only (as before qualification existed). */
  enabled: boolean;
  /** Qualifying points are those earned in this many UTC months, the current one included. */
  windowMonths: number;
  /** Downgrades take effect only at the end of each such UTC period. */
  period: QualificationPeriod;
  /** Which earns count (their credited points, multipliers and promotions included). */
  sources: QualifyingSource[];
}

export const DEFAULT_TIER_QUALIFICATION: TierQualification = {
  enabled: false,
  windowMonths: 12,
  period: 'month',
  sources: ['purchase'],
};

/** What the account item keeps for qualification; bounded by the window, whatever the account's age. */
export interface TierStatus {
  /** Period ends up to this instant have been judged (the last write that settled the tier). */
  settledAt: string;
  /** The tier the partner set last: a period-end downgrade never goes below it. */
  floor: string;
  /** Qualifying points by UTC month (`YYYY-MM`); only months a window can still reach. Absent: none. */
  earned?: Record<string, number>;
}

export type TierChangeCause = 'qualification' | 'partner' | 'period_end';

export interface TierChange {
  from: string;
  to: string;
  cause: TierChangeCause;
  effectiveAt: string;
  /** Points in the window that decided it (qualification and period end). */
  qualifyingPoints?: number;
}

export const qualificationOf = (rule: ConfigVersion | undefined): TierQualification =>
  rule?.tierQualification ?? DEFAULT_TIER_QUALIFICATION;

/** The UTC month (`YYYY-MM`) of an instant. */
export const utcMonth = (instant: string): string => new Date(instant).toISOString().slice(0, 7);

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** The first month of the window that ends with the month of `at`. */
export function windowStartMonth(at: string, windowMonths: number): string {
  const index = monthIndex(utcMonth(at)) - windowMonths + 1;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Qualifying points of the window ending with the month of `at` (later months, if any, do not count). */
export function windowPoints(earned: Record<string, number> | undefined, at: string, windowMonths: number): number {
  const from = windowStartMonth(at, windowMonths);
  const to = utcMonth(at);
  let sum = 0;
  for (const [month, points] of Object.entries(earned ?? {})) if (month >= from && month <= to) sum += points;
  return Math.max(0, sum);
}

/** Position of a tier in the version's list (the list rises with `minPoints`); -1 when it does not list it. */
export const tierRank = (rule: ConfigVersion, tier: string): number => rule.tiers.findIndex((t) => t.name === tier);

/** The highest tier whose threshold the points reach (the list rises, its first threshold is 0). */
export function qualifiedTier(rule: ConfigVersion, points: number): string {
  let best = rule.tiers[0]!.name;
  for (const tier of rule.tiers) if (points >= tier.minPoints) best = tier.name;
  return best;
}
