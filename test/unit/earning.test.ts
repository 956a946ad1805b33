import { describe, expect, it } from 'vitest';
import { discountCents, purchasePoints } from '../../functions/domain/earning.ts';
import { defaultRuleVersion, defaultTenantConfig, ruleInForce } from '../../functions/domain/tenant-config.ts';
import { endOfLocalDay, endOfLocalMonth, expiryAfterDays } from '../../functions/domain/time.ts';

const rule = defaultRuleVersion('2020-01-01T00:00:00.000Z');

describe('purchasePoints', () => {
  const cases: [string, number, string, number][] = [
    ['12 points per USD by default', 10_000, 'Guest', 1200],
    ['rounds down fractions of a point', 1_099, 'Guest', 131],
    ['nothing for a zero subtotal', 0, 'Guest', 0],
    ['a cent earns nothing', 1, 'Guest', 0],
  ];
  for (const [name, cents, tier, points] of cases) it(name, () => expect(purchasePoints(cents, rule, tier)).toBe(points));

  it('applies the tier multiplier', () => {
    const gold = { ...rule, tiers: rule.tiers.map((t) => (t.name === 'VIP Gold' ? { ...t, multiplier: 1.5 } : t)) };
    expect(purchasePoints(10_000, gold, 'VIP Gold')).toBe(1800);
  });

  it('stays exact at the largest subtotal accepted', () => {
    expect(purchasePoints(1_000_000_000, rule, 'Guest')).toBe(120_000_000);
  });
});

describe('valuation', () => {
  it('1000 points = 100 cents', () => expect(discountCents(1000, rule)).toBe(100));
  it('5000 points = 500 cents', () => expect(discountCents(5000, rule)).toBe(500));
});

describe('ruleInForce', () => {
  const config = defaultTenantConfig('t1', 'T1', '2020-01-01T00:00:00.000Z');
  config.versions.push({
    ...rule,
    version: 2,
    effectiveFrom: '2026-06-01T00:00:00.000Z',
    earning: { ...rule.earning, purchasePointsPerUsd: 20 },
  });
  it('picks the version in force at the event time', () => {
    expect(ruleInForce(config, '2026-05-31T23:59:59.999Z')?.version).toBe(1);
    expect(ruleInForce(config, '2026-06-01T00:00:00.000Z')?.version).toBe(2);
  });
  it('has none before the first version', () => expect(ruleInForce(config, '2019-12-31T00:00:00.000Z')).toBeUndefined());
});

describe('expiry in the tenant time zone', () => {
  it('rounds up to the end of the local day (Toronto, winter)', () => {
    expect(endOfLocalDay('2026-11-25T03:00:00.000Z', 'America/Toronto')).toBe('2026-11-25T04:59:59.999Z');
  });
  it('rounds up to the end of the local day (Toronto, summer)', () => {
    expect(endOfLocalDay('2026-07-25T12:00:00.000Z', 'America/Toronto')).toBe('2026-07-26T03:59:59.999Z');
  });
  it('handles the day clocks spring forward', () => {
    expect(endOfLocalDay('2026-03-08T12:00:00.000Z', 'America/Toronto')).toBe('2026-03-09T03:59:59.999Z');
  });
  it('ends a month in local time (model allocations)', () => {
    expect(endOfLocalMonth('2026-12-31T12:00:00.000Z', 'America/Toronto')).toBe('2027-01-01T04:59:59.999Z');
  });
  const midnightJumps: [string, string, string, string][] = [
    ['America/Santiago', 'the day before DST starts at midnight', '2026-09-05T12:00:00.000Z', '2026-09-06T03:59:59.999Z'],
    ['America/Santiago', 'the day DST starts at midnight (it begins at 01:00)', '2026-09-06T12:00:00.000Z', '2026-09-07T02:59:59.999Z'],
    ['America/Santiago', 'the day before DST ends at midnight', '2026-04-04T12:00:00.000Z', '2026-04-05T03:59:59.999Z'],
    ['America/Havana', 'the day before DST starts at midnight', '2026-03-07T12:00:00.000Z', '2026-03-08T04:59:59.999Z'],
    ['America/Havana', 'the day before DST ends', '2026-10-31T12:00:00.000Z', '2026-11-01T03:59:59.999Z'],
  ];
  for (const [zone, what, instant, end] of midnightJumps) {
    it(`${zone}: ${what} ends at the last millisecond of that local day`, () => expect(endOfLocalDay(instant, zone)).toBe(end));
  }
  it('in every zone, around every 2026 offset change, the end of a local day is its last millisecond', () => {
    const day = 86_400_000;
    const formatters = new Map<string, [Intl.DateTimeFormat, Intl.DateTimeFormat]>();
    const formattersOf = (zone: string) => {
      let pair = formatters.get(zone);
      if (!pair) {
        pair = [
          new Intl.DateTimeFormat('en-CA', { timeZone: zone }),
          new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }),
        ];
        formatters.set(zone, pair);
      }
      return pair;
    };
    const dateIn = (ms: number, zone: string) => formattersOf(zone)[0].format(ms);
    const offsetAt = (ms: number, zone: string) =>
      formattersOf(zone)[1]
        .formatToParts(ms)
        .find((part) => part.type === 'timeZoneName')?.value;
    let checked = 0;
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      // Weekly steps find the weeks with a change; daily steps inside them find its day.
      for (let week = Date.UTC(2026, 0, 1); week < Date.UTC(2027, 0, 1); week += 7 * day) {
        if (offsetAt(week, zone) === offsetAt(week + 7 * day, zone)) continue;
        for (let d = week; d < week + 7 * day; d += day) {
          if (offsetAt(d, zone) === offsetAt(d + day, zone)) continue;
          for (const noon of [d - day, d, d + day].map((start) => start + day / 2)) {
            const label = `${zone} ${new Date(noon).toISOString()}`;
            const end = Date.parse(endOfLocalDay(new Date(noon).toISOString(), zone));
            expect(dateIn(end, zone), label).toBe(dateIn(noon, zone));
            expect(dateIn(end + 1, zone), label).not.toBe(dateIn(noon, zone));
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
  it('purchase points live 365 days to the end of that day', () => {
    expect(expiryAfterDays('2026-11-25T12:00:00.000Z', 365, 'UTC')).toBe('2027-11-25T23:59:59.999Z');
  });
});
