import * as z from 'zod/mini';
import { TenantId } from './admin.ts';
import { Instant } from './common.ts';

/** A real calendar day: 2026-02-30 matches the pattern but is refused. */
const isCalendarDay = (value: string) => {
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
};

export const AuditDay = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}$/), z.refine(isCalendarDay, 'Not a calendar day'), z.describe('A UTC day, YYYY-MM-DD'));

export const AuditExportParams = z.strictObject({ tenantId: TenantId, day: AuditDay });

const Sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));

export const AuditExportObject = z.object({
  key: z.string(),
  sha256: Sha256,
  records: z.int(),
  bytes: z.int(),
  url: z.string().check(z.describe('Presigned GET, valid until urlsExpireAt')),
});

/** A sealed day of a tenant's audit export, with short-lived download links to each object. */
export const AuditExportDayView = z.object({
  tenantId: TenantId,
  day: AuditDay,
  revision: z.int(),
  sealedAt: Instant,
  dayClosed: z.boolean(),
  recordCount: z.int(),
  urlsExpireAt: Instant,
  manifest: z.object({ key: z.string(), sha256: Sha256, url: z.string() }),
  objects: z.array(AuditExportObject),
});
