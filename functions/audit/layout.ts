/**
 * Where audit data lives in the audit bucket. Two areas, both partitioned by tenant and UTC day:
 *
 *   incoming/day=<YYYY-MM-DD>/tenant=<tenantId>/<firstStreamSeq>-<count>-<digest>.jsonl.gz
 *       written by the stream exporter, one object per (stream batch, tenant, day); day first so
 *       the sealer finds a day's tenants with one listing
 *   exports/tenant=<tenantId>/day=<YYYY-MM-DD>/part-<NNNNN>-<sha256 prefix>.jsonl.gz
 *   exports/tenant=<tenantId>/day=<YYYY-MM-DD>/wallets-<NNNNN>-<sha256 prefix>.jsonl.gz
 *   exports/tenant=<tenantId>/day=<YYYY-MM-DD>/sources-<NNNNN>-<sha256 prefix>.jsonl.gz
 *   exports/tenant=<tenantId>/day=<YYYY-MM-DD>/manifest.json
 *   exports/tenant=<tenantId>/day=<YYYY-MM-DD>/seal-<digest prefix>/plan.json, range-<NNNNN>.json
 *       written by the sealer: the day's records once each, in order, and the manifest that lists
 *       them (written last: its presence is the seal); tenant first so finance, and IAM
 *       policies, address one tenant's days by prefix. The per-wallet index and the list of
 *       exporter objects sealed are objects of their own (listed with their SHA-256 in the
 *       manifest), so the manifest stays small at any day's size. A big day is sealed in
 *       ranges of its sort order, one invocation each: the plan and each range's summary are the
 *       working objects they hand on (seal.ts); the manifest does not list them
 *   pending/day=<YYYY-MM-DD>/tenant=<tenantId>
 *       an empty marker the exporter writes after each object: this tenant-day changed since it
 *       was last sealed. The sealing workflow seals exactly the marked days (one invocation
 *       each) and removes a marker once the closed day's seal covers everything it lists
 *
 * The same layout is used on AWS and in the local S3. Nothing here touches AWS.
 */

export const INCOMING_ROOT = 'incoming/';
export const EXPORTS_ROOT = 'exports/';
export const PENDING_ROOT = 'pending/';
export const MANIFEST_NAME = 'manifest.json';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Tenant ids as the admin schema allows them (lower-case letters, digits, dashes). */
const TENANT = /^[a-z0-9][a-z0-9-]*$/;

/** A real calendar day written as YYYY-MM-DD. */
export function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export function isTenantId(value: string): boolean {
  return TENANT.test(value) && value.length <= 64;
}

/** The UTC day of an ISO instant. */
export function dayOf(instant: string): string {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) throw new Error(`Not an instant: ${instant}`);
  return new Date(time).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function checked(tenantId: string, day: string): void {
  if (!isTenantId(tenantId)) throw new Error(`Not a tenant id usable in a key: ${JSON.stringify(tenantId)}`);
  if (!isDay(day)) throw new Error(`Not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
}

export const incomingDayPrefix = (day: string) => `${INCOMING_ROOT}day=${day}/`;

export function incomingPrefix(day: string, tenantId: string): string {
  checked(tenantId, day);
  return `${incomingDayPrefix(day)}tenant=${tenantId}/`;
}

/** The exporter's object for one batch, tenant and day; the same batch always gets the same key. */
export function incomingKey(day: string, tenantId: string, firstSequenceNumber: string, count: number, digest: string): string {
  return `${incomingPrefix(day, tenantId)}${firstSequenceNumber}-${count}-${digest}.jsonl.gz`;
}

export const exportsTenantPrefix = (tenantId: string) => `${EXPORTS_ROOT}tenant=${tenantId}/`;

export function exportsDayPrefix(tenantId: string, day: string): string {
  checked(tenantId, day);
  return `${exportsTenantPrefix(tenantId)}day=${day}/`;
}

export const manifestKey = (tenantId: string, day: string) => `${exportsDayPrefix(tenantId, day)}${MANIFEST_NAME}`;

/**
 * Named by content: a re-seal with the same records writes the same key; a different one never
 * overwrites. `label` is the object's number (`00001`), with its range in front when the day was
 * sealed in several (`r00002-00001`, seal.ts).
 */
export function partKey(tenantId: string, day: string, label: string, sha256: string): string {
  return `${exportsDayPrefix(tenantId, day)}part-${label}-${sha256.slice(0, 16)}.jsonl.gz`;
}

/** Index objects of a sealed day (per-wallet ranges, the exporter objects sealed), named by content as parts are. */
export function indexKey(kind: 'wallets' | 'sources', tenantId: string, day: string, label: string, sha256: string): string {
  return `${exportsDayPrefix(tenantId, day)}${kind}-${label}-${sha256.slice(0, 16)}.jsonl.gz`;
}

/** An object's number within its range as keys carry it: `00001`, or `r00002-00001` in a day sealed in several ranges. */
export const objectLabel = (index: number, range?: number) =>
  `${range === undefined ? '' : `r${String(range).padStart(5, '0')}-`}${String(index).padStart(5, '0')}`;

/**
 * The working objects of one seal (its plan and each range's summary), named by the digest of the
 * exporter objects it seals: the invocations of a partitioned seal hand them to each other. They
 * are not part of the export (the manifest does not list them).
 */
export function sealWorkKey(tenantId: string, day: string, sourcesDigest: string, name: string): string {
  return `${exportsDayPrefix(tenantId, day)}seal-${sourcesDigest.slice(0, 16)}/${name}`;
}

/** The marker saying a tenant-day has exporter objects its seal may not cover yet. */
export function pendingKey(day: string, tenantId: string): string {
  checked(tenantId, day);
  return `${PENDING_ROOT}day=${day}/tenant=${tenantId}`;
}

/** A marker's key back to its tenant and day (undefined for anything else). */
export function parsePendingKey(key: string): { tenantId: string; day: string } | undefined {
  const match = /^pending\/day=([^/]+)\/tenant=([^/]+)$/.exec(key);
  if (!match || !isDay(match[1]!) || !isTenantId(match[2]!)) return undefined;
  return { day: match[1]!, tenantId: match[2]! };
}

/** `tenant=acme/` or `day=2026-11-24/` (a listing's common prefix, last segment) to its value. */
export function segmentValue(prefix: string, name: 'tenant' | 'day'): string | undefined {
  const last = prefix.replace(/\/$/, '').split('/').at(-1) ?? '';
  return last.startsWith(`${name}=`) ? last.slice(name.length + 1) : undefined;
}

/** The file name an object is saved under when fetched (its key's last segment). */
export const baseName = (key: string) => key.split('/').at(-1) ?? key;
