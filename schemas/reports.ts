import * as z from 'zod/mini';
import { POINT_TYPES } from '../functions/domain/vocabulary.ts';
import { TenantId } from './admin.ts';
import { Instant } from './common.ts';

/** The longest daily report: a year and a day (a leap year, both ends included). */
export const MAX_REPORT_DAYS = 366;

const DAY_MS = 86_400_000;
const Day = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/),
  z.refine(
    (day) => !Number.isNaN(Date.parse(`${day}T00:00:00.000Z`)) && new Date(`${day}T00:00:00.000Z`).toISOString().startsWith(day),
    'Not a calendar day',
  ),
);

export const DailyReportQuery = z
  .strictObject({
    from: Day.check(z.describe('First UTC day, YYYY-MM-DD (inclusive)')),
    to: Day.check(z.describe('Last UTC day, YYYY-MM-DD (inclusive)')),
  })
  .check(
    z.refine((q) => q.from <= q.to, 'from must not be after to'),
    z.refine(
      (q) => Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`) < MAX_REPORT_DAYS * DAY_MS,
      `At most ${MAX_REPORT_DAYS} days`,
    ),
  );

const NonNegative = z.int();
const ByType = z.record(z.enum(POINT_TYPES), z.int()).check(z.describe('Points by point type (types with none left out)'));

export const LiabilityReport = z.object({
  tenantId: TenantId,
  asOf: Instant,
  points: NonNegative.check(z.describe('Outstanding lot points expiring this month or later')),
  valueCents: z.int().check(z.describe('Their value at the redemption rate in force (points / pointsPerCent, rounded down)')),
  byType: ByType,
  byExpiryMonth: z.array(z.object({ month: z.string().check(z.regex(/^\d{4}-\d{2}$/)), points: z.int(), byType: ByType })),
  expiredAwaitingSweep: z.object({
    points: z.int().check(z.describe('Lot points of months already over: expired, not yet swept (not liability)')),
    byType: ByType,
  }),
});

export const DailyReport = z.object({
  tenantId: TenantId,
  days: z.array(
    z.object({
      day: z.string().check(z.describe('UTC day, YYYY-MM-DD; every day of the range, zeros included')),
      issued: z.int(),
      redeemed: z.int(),
      expired: z.int(),
      adjusted: z.int(),
      reversed: z.int(),
    }),
  ),
});
