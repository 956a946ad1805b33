/** Calendar arithmetic in a tenant's time zone, with no clock read: instants come in. */

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(epochMs: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts as unknown as LocalParts;
}

/** Offset of the zone from UTC at an instant, in ms (local = utc + offset). */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (epochMs - (epochMs % 1000));
}

/** The UTC instant at which a local wall-clock midnight occurs (DST-safe for whole hours). */
function localMidnightToUtc(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  let instant = guess - zoneOffsetMs(guess, timeZone);
  // A second pass settles instants whose offset differs from the guess's (DST edges).
  instant = guess - zoneOffsetMs(instant, timeZone);
  return instant;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(instant: string, timeZone: string): string {
  const p = localParts(Date.parse(instant), timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The last millisecond of the local day containing the instant, as an ISO UTC string. */
export function endOfLocalDay(instant: string, timeZone: string): string {
  const p = localParts(Date.parse(instant), timeZone);
  const nextMidnight = localMidnightToUtc(p.year, p.month, p.day + 1, timeZone);
  return new Date(nextMidnight - 1).toISOString();
}

/** The last millisecond of the local calendar month containing the instant. */
export function endOfLocalMonth(instant: string, timeZone: string): string {
  const p = localParts(Date.parse(instant), timeZone);
  const nextMonthStart = localMidnightToUtc(p.year, p.month + 1, 1, timeZone);
  return new Date(nextMonthStart - 1).toISOString();
}

/**
 * Expiry for points credited at `instant` that live `days` days: the end of the local day
 * `days` days later. Rounding up to the end of the day lets same-day lots merge.
 */
export function expiryAfterDays(instant: string, days: number, timeZone: string): string {
  return endOfLocalDay(new Date(Date.parse(instant) + days * DAY_MS).toISOString(), timeZone);
}

export function isExpired(expiresAt: string, now: string): boolean {
  return Date.parse(expiresAt) <= Date.parse(now);
}
