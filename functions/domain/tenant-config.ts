import { DEFAULT_APPROVAL_EXPIRY_DAYS } from './approvals.ts';
import { DEFAULT_ACCOUNT_WRITES_PER_MINUTE } from './rate-limit.ts';
import { DEFAULT_TIER_QUALIFICATION, type TierQualification } from './tier-qualification.ts';

/**
 * A tenant's configuration, as versions of the SPEC section-10 document. Versions are
 * effective-dated and never edited once in force: a change is a new version, so an event is
 * always priced by the version in force at its `occurredAt` and the ledger records which one
 * that was (`ruleVersion` on entries is the version's `version`).
 */
export interface TierRule {
  name: string;
  /** Qualifying points (in the window) that reach the tier, when `tierQualification` is on. */
  minPoints: number;
  /** Earn multiplier (1 = 1x); applied in basis points, rounded to 4 decimals. */
  multiplier: number;
  /** The largest discount a redemption may give, as a percentage of the order subtotal. */
  maxDiscountPercent: number;
}

/**
 * A campaign that raises what purchases earn (SPEC section 2): in force for events whose
 * `occurredAt` lies in `window` (from inclusive, to exclusive), for accounts of the listed tiers
 * (all tiers when left out), either multiplying the purchase's points or adding a fixed bonus.
 */
export interface Promotion {
  id: string;
  window: { from: string; to: string };
  /** Tier names that qualify; absent: every tier. */
  tiers?: string[];
  /** Multiplies the purchase's points (after the tier multiplier); applied in basis points. Exactly one of this and `bonusPoints`. */
  multiplier?: number;
  /** Points added to the purchase's points. */
  bonusPoints?: number;
}

export const MAX_PROMOTIONS = 50;

export interface ConfigVersion {
  version: number;
  effectiveFrom: string;
  /** When and by whom the version was made (absent on versions from before this was recorded). */
  createdAt?: string;
  createdBy?: { id: string; role?: string };
  earning: {
    /** Points per 1.00 USD of order subtotal (after discounts, before taxes and fees). */
    purchasePointsPerUsd: number;
    /** Life of points by type; a promotion names its own life within [promotionMin, promotionMax]. */
    expiryDays: {
      purchase: number;
      bonus: number;
      promotionDefault: number;
      promotionMin: number;
      promotionMax: number;
      adjustment: number;
    };
    /** Campaigns on purchase earns; when several apply the one worth most to the member wins. */
    promotions: Promotion[];
  };
  redemption: {
    minPoints: number;
    /** How many points make one cent of discount (1000 points = 1.00 USD gives 10). */
    pointsPerCent: number;
    holdSeconds: number;
    maxPerHour: number;
    maxPerDay: number;
    /** 0: off. */
    newAccountCooldownHours: number;
    /** 0: off. */
    maxIpHashesPerDay: number;
  };
  tiers: TierRule[];
  /** How tiers are earned and lost (off by default: tiers are then the partner's call only). */
  tierQualification: TierQualification;
  transfers: {
    enabled: boolean;
    minTrustLevel: 'L0' | 'L1' | 'L2' | 'L3';
    minAccountAgeDays: number;
    negativeEventDays: number;
    perTransferMax: number;
    dailyMax: number;
    weeklyMax: number;
    coolingHours: number;
    reversalWindowHours: number;
    /** 0: escrow off / never auto-released. */
    escrow: { newReceiverAbovePoints: number; autoReleaseHours: number };
  };
  awards: { perViewerPerStream: number; perModelPerHour: number; perModelPerDay: number; giftExpiryDays: number };
  /** Approval requests expire when undecided this long (fractions of a day allowed). */
  approvals: { expiryDays: number };
  limits: { accountWritesPerMinute: number };
}

/** The sections a PUT may replace (members left out keep their value). */
export const CONFIG_SECTIONS = [
  'earning',
  'redemption',
  'tiers',
  'tierQualification',
  'transfers',
  'awards',
  'approvals',
  'limits',
] as const;
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];
export type ConfigDocument = Pick<ConfigVersion, ConfigSection>;

/** Older versions the tenant item keeps at most (see `withNewVersion`). */
export const MAX_CONFIG_VERSIONS = 50;

/** The versions' JSON size a tenant item may reach (DynamoDB items stop at 400 KB). */
export const MAX_CONFIG_BYTES = 300_000;

export interface TenantConfig {
  tenantId: string;
  displayName: string;
  timeZone: string;
  /** In creation order; `version` numbers rise by one per change. */
  versions: ConfigVersion[];
}

export const DEFAULT_TIERS = ['Guest', 'Member', 'VIP Bronze', 'VIP Silver', 'VIP Gold'];

export function defaultConfigDocument(): ConfigDocument {
  return {
    earning: {
      purchasePointsPerUsd: 12,
      expiryDays: { purchase: 365, bonus: 365, promotionDefault: 90, promotionMin: 30, promotionMax: 90, adjustment: 365 },
      promotions: [],
    },
    redemption: {
      minPoints: 5000,
      pointsPerCent: 10,
      holdSeconds: 900,
      maxPerHour: 30,
      maxPerDay: 100,
      newAccountCooldownHours: 0,
      maxIpHashesPerDay: 0,
    },
    tiers: DEFAULT_TIERS.map((name) => ({ name, minPoints: 0, multiplier: 1, maxDiscountPercent: 100 })),
    tierQualification: { ...DEFAULT_TIER_QUALIFICATION, sources: [...DEFAULT_TIER_QUALIFICATION.sources] },
    transfers: {
      enabled: false,
      minTrustLevel: 'L2',
      minAccountAgeDays: 14,
      negativeEventDays: 30,
      perTransferMax: 250,
      dailyMax: 500,
      weeklyMax: 1500,
      coolingHours: 24,
      reversalWindowHours: 24,
      escrow: { newReceiverAbovePoints: 0, autoReleaseHours: 72 },
    },
    awards: { perViewerPerStream: 100, perModelPerHour: 400, perModelPerDay: 2000, giftExpiryDays: 30 },
    approvals: { expiryDays: DEFAULT_APPROVAL_EXPIRY_DAYS },
    limits: { accountWritesPerMinute: DEFAULT_ACCOUNT_WRITES_PER_MINUTE },
  };
}

export function defaultRuleVersion(effectiveFrom: string): ConfigVersion {
  return { version: 1, effectiveFrom, ...defaultConfigDocument() };
}

export function defaultTenantConfig(tenantId: string, displayName: string, effectiveFrom: string): TenantConfig {
  return { tenantId, displayName, timeZone: 'America/Toronto', versions: [defaultRuleVersion(effectiveFrom)] };
}

/**
 * The version in force at an instant: the latest `effectiveFrom` not after it; of versions
 * effective at the same instant, the one made last (highest `version`).
 */
export function ruleInForce(config: TenantConfig, at: string): ConfigVersion | undefined {
  const atMs = Date.parse(at);
  let best: ConfigVersion | undefined;
  for (const rule of config.versions) {
    const from = Date.parse(rule.effectiveFrom);
    if (from > atMs) continue;
    const bestFrom = best ? Date.parse(best.effectiveFrom) : Number.NEGATIVE_INFINITY;
    if (!best || from > bestFrom || (from === bestFrom && rule.version > best.version)) best = rule;
  }
  return best;
}

/** The earn multiplier of a tier in basis points (10000 = 1x); a tier the version does not list earns 1x. */
export function tierMultiplierBp(rule: ConfigVersion, tier: string): number {
  const found = rule.tiers.find((t) => t.name === tier);
  return found ? Math.round(found.multiplier * 10_000) : 10_000;
}

/**
 * The tier names an account may be given at `now`: those of the version in force and of every
 * version scheduled after it (so accounts can be moved into a tier announced for later).
 */
export function tierNames(config: TenantConfig, now: string): string[] {
  const current = ruleInForce(config, now);
  const nowMs = Date.parse(now);
  const names = new Set(current?.tiers.map((t) => t.name) ?? []);
  for (const version of config.versions) {
    if (Date.parse(version.effectiveFrom) > nowMs) for (const tier of version.tiers) names.add(tier.name);
  }
  return [...names];
}

/** A promotion's multiplier in basis points (10000 = 1x); a fixed-bonus promotion has none. */
export function promotionMultiplierBp(promotion: Promotion): number | undefined {
  return promotion.multiplier === undefined ? undefined : Math.round(promotion.multiplier * 10_000);
}

/** Whether a promotion is on at `at` (window from inclusive, to exclusive) for an account of `tier`. */
export function promotionApplies(promotion: Promotion, at: string, tier: string): boolean {
  const atMs = Date.parse(at);
  if (atMs < Date.parse(promotion.window.from) || atMs >= Date.parse(promotion.window.to)) return false;
  return promotion.tiers === undefined || promotion.tiers.includes(tier);
}

export const accountWriteLimit = (config: TenantConfig, now = new Date().toISOString()) =>
  ruleInForce(config, now)?.limits.accountWritesPerMinute ?? DEFAULT_ACCOUNT_WRITES_PER_MINUTE;

export const approvalExpiryDays = (config: TenantConfig, now = new Date().toISOString()) =>
  ruleInForce(config, now)?.approvals.expiryDays ?? DEFAULT_APPROVAL_EXPIRY_DAYS;

/** A section as a change gives it: any members, and any members of its nested objects (lists whole). */
type SectionChange<T> = T extends unknown[]
  ? T
  : { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? Partial<T[K]> : T[K] };
export type ConfigChange = { effectiveFrom?: string } & { [S in ConfigSection]?: SectionChange<ConfigDocument[S]> };

/** A section given replaces that section; members left out keep their value (`tiers` is a list: given whole). */
function mergeSection<S extends ConfigSection>(
  base: ConfigDocument[S],
  given: SectionChange<ConfigDocument[S]> | undefined,
): ConfigDocument[S] {
  if (given === undefined) return base;
  if (Array.isArray(base) || Array.isArray(given)) return given as ConfigDocument[S];
  const merged = { ...(base as object), ...(given as object) } as Record<string, unknown>;
  // One level further for the nested members (expiryDays, escrow): left-out members keep theirs.
  for (const [key, value] of Object.entries(given as object)) {
    const old = (base as Record<string, unknown>)[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && old && typeof old === 'object' && !Array.isArray(old)) {
      merged[key] = { ...old, ...value };
    }
  }
  return merged as ConfigDocument[S];
}

/** A version's document with the given sections merged in (its number and dates as they are). */
export function withSections(base: ConfigVersion, change: ConfigChange): ConfigVersion {
  const document = {} as Record<ConfigSection, unknown>;
  for (const section of CONFIG_SECTIONS) document[section] = mergeSection(base[section], change[section] as never);
  return { ...base, ...(document as ConfigDocument) };
}

export type NewVersionOutcome =
  | { ok: true; config: TenantConfig; version: ConfigVersion }
  | {
      ok: false;
      code: 'effective_from_in_past' | 'effective_from_too_soon' | 'no_rule_in_force' | 'too_many_config_versions';
      message: string;
    };

/**
 * How long a tenant's configuration may be served from a function's memory (functions/store/
 * tenants.ts caches it this long). A version takes effect no sooner than this after it is made,
 * so by its `effectiveFrom` every function has read it: an event is always priced by the version
 * in force at its `occurredAt`, never by one a warm function had not heard of yet.
 */
export const CONFIG_PROPAGATION_MS = 60_000;

/** How far in the future an event's `occurredAt` may lie (an earn's clock skew allowance). */
export const EVENT_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * The soonest a new version may take effect: every function has read it by then
 * (CONFIG_PROPAGATION_MS), and no event already accepted can lie at or after its start (an
 * event may be dated EVENT_FUTURE_SKEW_MS ahead: priced before the version was known, it would
 * carry the version before).
 */
export const MIN_EFFECTIVE_LEAD_MS = CONFIG_PROPAGATION_MS + EVENT_FUTURE_SKEW_MS;

/**
 * A new version effective from `change.effectiveFrom` (default: the soonest allowed, `now` +
 * MIN_EFFECTIVE_LEAD_MS; never earlier):
 * the version in force at that instant with the given sections merged in. Versions already
 * scheduled later are kept as they are (a change does not carry into them). Versions that
 * stopped being in force more than `keepForMs` ago may be dropped to keep at most
 * MAX_CONFIG_VERSIONS (no event that old can still be priced; the audit export keeps them).
 */
export function withNewVersion(
  config: TenantConfig,
  change: ConfigChange,
  now: string,
  keepForMs: number,
  createdBy?: { id: string; role?: string },
): NewVersionOutcome {
  const earliest = new Date(Date.parse(now) + MIN_EFFECTIVE_LEAD_MS).toISOString();
  const effectiveFrom = new Date(change.effectiveFrom ?? earliest).toISOString();
  if (Date.parse(effectiveFrom) < Date.parse(now)) {
    return { ok: false, code: 'effective_from_in_past', message: `effectiveFrom ${effectiveFrom} is in the past (now is ${now})` };
  }
  if (effectiveFrom < earliest) {
    return {
      ok: false,
      code: 'effective_from_too_soon',
      message: `effectiveFrom must be at least ${MIN_EFFECTIVE_LEAD_MS / 60_000} minutes from now (${earliest} or later): functions read the configuration once a minute, and events may be dated up to ${EVENT_FUTURE_SKEW_MS / 60_000} minutes ahead, so an earlier start could leave events priced by the version before`,
    };
  }
  const base = ruleInForce(config, effectiveFrom);
  if (!base) return { ok: false, code: 'no_rule_in_force', message: 'No version is in force at effectiveFrom to change' };
  const { createdBy: _baseBy, createdAt: _baseAt, ...document } = withSections(base, change);
  const version: ConfigVersion = {
    ...document,
    version: Math.max(0, ...config.versions.map((v) => v.version)) + 1,
    effectiveFrom,
    createdAt: now,
    ...(createdBy ? { createdBy } : {}),
  };
  let versions = [...config.versions, version];
  if (versions.length > MAX_CONFIG_VERSIONS) versions = prune(versions, now, keepForMs);
  if (versions.length > MAX_CONFIG_VERSIONS) {
    return {
      ok: false,
      code: 'too_many_config_versions',
      message: `A tenant keeps at most ${MAX_CONFIG_VERSIONS} configuration versions and none is old enough to drop`,
    };
  }
  return { ok: true, config: { ...config, versions }, version };
}

/** Drops the oldest versions superseded before `now - keepForMs`, down to the cap. */
function prune(versions: ConfigVersion[], now: string, keepForMs: number): ConfigVersion[] {
  const horizon = new Date(Date.parse(now) - keepForMs).toISOString();
  const stillNeeded = ruleInForce({ versions } as TenantConfig, horizon);
  const byAge = [...versions].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom) || a.version - b.version);
  const drop = new Set<number>();
  for (const v of byAge) {
    if (versions.length - drop.size <= MAX_CONFIG_VERSIONS) break;
    if (Date.parse(v.effectiveFrom) > Date.parse(horizon) || v.version === stillNeeded?.version) break;
    drop.add(v.version);
  }
  return versions.filter((v) => !drop.has(v.version));
}

/** Pre-document stored shapes (tiers, ruleVersions, limits and approvals on the tenant). */
interface LegacyRuleVersion {
  version?: number;
  effectiveFrom?: string;
  purchasePointsPerUsd?: number;
  tierMultipliersBp?: Record<string, number>;
  expiryDays?: { purchase?: number; bonus?: number; promotionDefault?: number; adjustment?: number };
  promotionDaysRange?: { min?: number; max?: number };
  minRedemptionPoints?: number;
  pointsPerCent?: number;
}

/**
 * A stored tenant configuration in the current shape: items written before versions were the
 * section-10 document (tenant-level `tiers`, `ruleVersions`, `limits`, `approvals`) are mapped on
 * read, members they lack taking the defaults. Nothing is written back until the next change.
 */
export function normalizeTenantConfig(stored: Record<string, unknown>): TenantConfig {
  if (Array.isArray(stored.versions)) {
    // Versions made before tier qualification existed behave as it off: they read so.
    const versions = stored.versions as ConfigVersion[];
    if (versions.every((v) => v.tierQualification)) return stored as unknown as TenantConfig;
    return {
      ...(stored as unknown as TenantConfig),
      versions: versions.map((v) => (v.tierQualification ? v : { ...v, tierQualification: { ...DEFAULT_TIER_QUALIFICATION } })),
    };
  }
  const defaults = defaultConfigDocument();
  const tierNamesStored = Array.isArray(stored.tiers) ? (stored.tiers as string[]) : DEFAULT_TIERS;
  const limits = (stored.limits ?? {}) as { accountWritesPerMinute?: number };
  const approvals = (stored.approvals ?? {}) as { expiryDays?: number };
  const legacy = (Array.isArray(stored.ruleVersions) ? stored.ruleVersions : []) as LegacyRuleVersion[];
  const versions = legacy.map((old, index): ConfigVersion => {
    const d = defaults.earning.expiryDays;
    return {
      version: old.version ?? index + 1,
      effectiveFrom: old.effectiveFrom ?? '1970-01-01T00:00:00.000Z',
      ...defaults,
      earning: {
        purchasePointsPerUsd: old.purchasePointsPerUsd ?? defaults.earning.purchasePointsPerUsd,
        expiryDays: {
          purchase: old.expiryDays?.purchase ?? d.purchase,
          bonus: old.expiryDays?.bonus ?? d.bonus,
          promotionDefault: old.expiryDays?.promotionDefault ?? d.promotionDefault,
          promotionMin: old.promotionDaysRange?.min ?? d.promotionMin,
          promotionMax: old.promotionDaysRange?.max ?? d.promotionMax,
          adjustment: old.expiryDays?.adjustment ?? d.adjustment,
        },
        promotions: [],
      },
      redemption: {
        ...defaults.redemption,
        minPoints: old.minRedemptionPoints ?? defaults.redemption.minPoints,
        pointsPerCent: old.pointsPerCent ?? defaults.redemption.pointsPerCent,
      },
      tiers: tierNamesStored.map((name) => ({
        name,
        minPoints: 0,
        multiplier: (old.tierMultipliersBp?.[name] ?? 10_000) / 10_000,
        maxDiscountPercent: 100,
      })),
      approvals: { expiryDays: approvals.expiryDays ?? defaults.approvals.expiryDays },
      limits: { accountWritesPerMinute: limits.accountWritesPerMinute ?? defaults.limits.accountWritesPerMinute },
    };
  });
  return {
    tenantId: String(stored.tenantId),
    displayName: String(stored.displayName ?? stored.tenantId),
    timeZone: typeof stored.timeZone === 'string' ? stored.timeZone : 'America/Toronto',
    versions,
  };
}
