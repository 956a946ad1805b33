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

/** Orders two local calendar dates given as parts (negative: a is earlier). */
function compareLocalDate(p: LocalParts, year: number, month: number, day: number): number {
  return p.year - year || p.month - month || p.day - day;
}

/**
 * The first instant of a local calendar day. Usually local midnight; in zones whose daylight
 * saving starts at midnight (America/Santiago, America/Havana) that wall-clock time never
 * happens and the day begins at the jump (01:00), so the answer is the first instant whose
 * local date is the day, found by bisection between two offset guesses.
 */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const target = new Date(Date.UTC(year, month - 1, day));
  const [y, m, d] = [target.getUTCFullYear(), target.getUTCMonth() + 1, target.getUTCDate()];
  const guess = target.getTime();
  const first = guess - zoneOffsetMs(guess, timeZone);
  const second = guess - zoneOffsetMs(first, timeZone);
  for (const candidate of [Math.min(first, second), Math.max(first, second)]) {
    const p = localParts(candidate, timeZone);
    if (compareLocalDate(p, y, m, d) === 0 && p.hour === 0 && p.minute === 0 && p.second === 0) return candidate;
  }
  // Midnight fell in a gap: bisect for the first millisecond of the day (zone offsets move by
  // at most a few hours, so a 6-hour bracket around the guesses always holds the jump).
  let before = Math.min(first, second) - 3 * 3_600_000;
  let onOrAfter = Math.max(first, second) + 3 * 3_600_000;
  while (onOrAfter - before > 1) {
    const middle = Math.floor((before + onOrAfter) / 2);
    if (compareLocalDate(localParts(middle, timeZone), y, m, d) >= 0) onOrAfter = middle;
    else before = middle;
  }
  return onOrAfter;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(instant: string, timeZone: string): string {
  const p = localParts(Date.parse(instant), timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The last millisecond of the local day containing the instant, as an ISO UTC string. */
export function endOfLocalDay(instant: string, timeZone: string): string {
  const p = localParts(Date.parse(instant), timeZone);
  const nextMidnight = startOfLocalDay(p.year, p.month, p.day + 1, timeZone);
  return new Date(nextMidnight - 1).toISOString();
}

/** The last millisecond of the local calendar month containing the instant. */
export function endOfLocalMonth(instant: string, timeZone: string): string {
  const p = localParts(Date.parse(instant), timeZone);
  const nextMonthStart = startOfLocalDay(p.year, p.month + 1, 1, timeZone);
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
