import * as z from 'zod/mini';
import { Instant } from './common.ts';
import { MAX_APPROVAL_EXPIRY_DAYS } from '../functions/domain/approvals.ts';
import { MAX_CONFIG_VERSIONS, MAX_PROMOTIONS } from '../functions/domain/tenant-config.ts';
import { MAX_WINDOW_MONTHS, QUALIFICATION_PERIODS, QUALIFYING_SOURCES } from '../functions/domain/tier-qualification.ts';

/** The tenant configuration document (SPEC section 10): ranges bound every member. */
const int = (min: number, max: number, description: string) => z.int().check(z.gte(min), z.lte(max), z.describe(description));
const days = (description: string) => int(1, 3650, description);

export const MAX_TIERS = 20;

const ExpiryDays = z.strictObject({
  purchase: days('Life of purchase points (default 365)'),
  bonus: days('Life of bonus points (default 365)'),
  promotionDefault: days('Life of promotion points when the earn names none (default 90)'),
  promotionMin: days('Shortest life a promotion may name (default 30)'),
  promotionMax: days('Longest life a promotion may name (default 90)'),
  adjustment: days('Life of points credited by a manual adjustment (default 365)'),
});

/** A multiplier with at most 4 decimals (applied in basis points). */
const fourDecimals = z.refine<number>(
  (m: number) => Number.isInteger(Math.round(m * 10_000)) && Math.abs(m * 10_000 - Math.round(m * 10_000)) < 1e-6,
  'At most 4 decimals',
);

const TierName = z.string().check(z.minLength(1), z.maxLength(40));

const Promotion = z
  .strictObject({
    id: z
      .string()
      .check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9._:-]+$/), z.describe('Names the promotion on the entries it prices')),
    window: z
      .strictObject({
        from: Instant.check(z.describe('First instant of the window (inclusive)')),
        to: Instant.check(z.describe('End of the window (exclusive)')),
      })
      .check(z.refine((w) => Date.parse(w.from) < Date.parse(w.to), 'window.from must be before window.to')),
    tiers: z.optional(
      z.array(TierName).check(
        z.minLength(1),
        z.maxLength(MAX_TIERS),
        z.refine((tiers) => new Set(tiers).size === tiers.length, 'Tier names must be distinct'),
        z.describe("Tiers that qualify (names of the version's tiers); left out: every tier"),
      ),
    ),
    multiplier: z.optional(
      z
        .number()
        .check(
          z.gt(1),
          z.lte(10),
          fourDecimals,
          z.describe("Multiplies the purchase's points after the tier multiplier (above 1, at most 10, at most 4 decimals)"),
        ),
    ),
    bonusPoints: z.optional(int(1, 1_000_000, "Points added to the purchase's points")),
  })
  .check(
    z.refine((p) => (p.multiplier === undefined) !== (p.bonusPoints === undefined), 'Give exactly one of multiplier and bonusPoints'),
    z.describe(
      'A campaign on purchase earns whose occurredAt lies in the window; when several apply, the one giving the most points wins, ties by earliest window end, then id',
    ),
  );

const Earning = z.strictObject({
  purchasePointsPerUsd: int(0, 1000, 'Points per 1.00 USD of order subtotal after discounts, before taxes and fees (default 12)'),
  expiryDays: ExpiryDays,
  promotions: z.array(Promotion).check(
    z.maxLength(MAX_PROMOTIONS),
    z.refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'Promotion ids must be distinct'),
    z.describe(`Up to ${MAX_PROMOTIONS} promotions (the list is replaced whole)`),
  ),
});

const Redemption = z.strictObject({
  minPoints: int(1, 10_000_000, 'Minimum points a redemption may spend (default 5000)'),
  pointsPerCent: int(1, 10_000, 'Points per cent of discount (default 10: 1000 points = 1.00 USD)'),
  holdSeconds: int(60, 86_400, 'How long a redemption hold lasts (default 900)'),
  maxPerHour: int(0, 10_000, 'Redemptions an account may make in an hour (default 30)'),
  maxPerDay: int(0, 100_000, 'Redemptions an account may make in a day (default 100)'),
  newAccountCooldownHours: int(0, 8760, 'Hours a new account waits before redeeming (default 0: off)'),
  maxIpHashesPerDay: int(0, 1000, 'Distinct client IP hashes an account may redeem from in a day (default 0: off)'),
});

const Tier = z.strictObject({
  name: TierName,
  minPoints: int(0, 1_000_000_000, 'Points that qualify for the tier'),
  multiplier: z.number().check(z.gte(0), z.lte(10), fourDecimals, z.describe('Earn multiplier (1 = 1x; at most 4 decimals)')),
  maxDiscountPercent: int(0, 100, 'Largest discount a redemption may give, as a percentage of the order subtotal'),
});

const Tiers = z.array(Tier).check(
  z.minLength(1),
  z.maxLength(MAX_TIERS),
  z.refine((tiers) => new Set(tiers.map((t) => t.name)).size === tiers.length, 'Tier names must be distinct'),
  z.describe(
    'The whole tier list (a list is replaced whole); the first tier is given to new accounts. Under tierQualification the list rises: the first minPoints is 0, each next one higher',
  ),
);

const TierQualification = z.strictObject({
  enabled: z.boolean().check(z.describe("Tiers follow qualifying points (default false: tiers are the partner's call only)")),
  windowMonths: int(
    1,
    MAX_WINDOW_MONTHS,
    'Qualifying points are those earned in this many UTC months, the current one included (default 12)',
  ),
  period: z
    .enum(QUALIFICATION_PERIODS)
    .check(z.describe('Downgrades take effect only at the end of each UTC month, quarter or year (default month)')),
  sources: z.array(z.enum(QUALIFYING_SOURCES)).check(
    z.minLength(1),
    z.maxLength(QUALIFYING_SOURCES.length),
    z.refine((list) => new Set(list).size === list.length, 'Sources must be distinct'),
    z.describe("Earns whose points qualify (default ['purchase'])"),
  ),
});

const Escrow = z.strictObject({
  newReceiverAbovePoints: int(0, 10_000_000, 'Transfers above this to a new receiver go to escrow (0: off)'),
  autoReleaseHours: int(0, 8760, 'Escrow releases itself after this long (0: never)'),
});

const Transfers = z.strictObject({
  enabled: z.boolean().check(z.describe('Member-to-member transfers (default false)')),
  minTrustLevel: z.enum(['L0', 'L1', 'L2', 'L3']),
  minAccountAgeDays: int(0, 3650, 'Sender account age (default 14)'),
  negativeEventDays: int(0, 3650, 'No negative event in this many days (default 30)'),
  perTransferMax: int(1, 10_000_000, 'default 250'),
  dailyMax: int(1, 10_000_000, 'default 500'),
  weeklyMax: int(1, 10_000_000, 'default 1500'),
  coolingHours: int(0, 8760, 'Between two transfers of a sender (default 24)'),
  reversalWindowHours: int(0, 720, 'An operator may reverse a transfer this long (default 24)'),
  escrow: Escrow,
});

const Awards = z.strictObject({
  perViewerPerStream: int(1, 10_000_000, 'default 100'),
  perModelPerHour: int(1, 10_000_000, 'default 400'),
  perModelPerDay: int(1, 10_000_000, 'default 2000'),
  giftExpiryDays: days('Life of points a model gifts (default 30)'),
});

const Approvals = z.strictObject({
  expiryDays: z
    .number()
    .check(
      z.positive(),
      z.lte(MAX_APPROVAL_EXPIRY_DAYS),
      z.describe('Days an approval request stays open undecided (default 7; fractions allowed)'),
    ),
});

const Limits = z.strictObject({
  accountWritesPerMinute: int(1, 100_000, 'Writes one account may take a minute (default 600)'),
});

/** Every member optional: members left out keep the value of the version in force. */
export const PutTenantConfigBody = z.strictObject({
  effectiveFrom: z.optional(Instant.check(z.describe('When the version takes effect: now (the default) or later, never in the past'))),
  earning: z.optional(z.strictObject({ ...z.partial(Earning).def.shape, expiryDays: z.optional(z.partial(ExpiryDays)) })),
  redemption: z.optional(z.partial(Redemption)),
  tiers: z.optional(Tiers),
  tierQualification: z.optional(z.partial(TierQualification)),
  transfers: z.optional(z.strictObject({ ...z.partial(Transfers).def.shape, escrow: z.optional(z.partial(Escrow)) })),
  awards: z.optional(z.partial(Awards)),
  approvals: z.optional(z.partial(Approvals)),
  limits: z.optional(z.partial(Limits)),
});

export const ConfigVersionView = z.object({
  version: z.int(),
  effectiveFrom: Instant,
  createdAt: z.optional(Instant),
  createdBy: z.optional(z.object({ id: z.string(), role: z.optional(z.string()) })),
  earning: Earning,
  redemption: Redemption,
  tiers: z.array(Tier),
  tierQualification: TierQualification,
  transfers: Transfers,
  awards: Awards,
  approvals: Approvals,
  limits: Limits,
});

export const TenantConfigView = z.object({
  tenantId: z.string(),
  current: z.optional(ConfigVersionView.check(z.describe('The version in force now'))),
  versions: z
    .array(ConfigVersionView)
    .check(z.describe(`Every version kept (at most ${MAX_CONFIG_VERSIONS}), by effectiveFrom then version; later ones are scheduled`)),
});

export const PutTenantConfigAnswer = z.object({
  ...TenantConfigView.def.shape,
  created: ConfigVersionView.check(z.describe('The version this request made')),
});
