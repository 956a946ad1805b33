import { describe, expect, it } from 'vitest';
import { normalizeTenantConfig, withNewVersion } from '../../functions/domain/tenant-config.ts';
import { tierInForce, withTierInForce } from '../../functions/domain/tier-in-force.ts';
import { qualifiedTier, windowPoints, windowStartMonth, type TierStatus } from '../../functions/domain/tier-qualification.ts';
import { configProblem } from '../../functions/usecases/tenant-config-checks.ts';
import { TIERS, tieredConfig } from '../support/tier-fixtures.ts';

const config = tieredConfig();
const rule = config.versions[0]!;

describe('qualified tier: thresholds at their boundaries', () => {
  it.each([
    [0, 'Guest'],
    [999, 'Guest'],
    [1000, 'Member'],
    [4999, 'Member'],
    [5000, 'VIP Bronze'],
    [19_999, 'VIP Bronze'],
    [20_000, 'VIP Gold'],
    [10_000_000, 'VIP Gold'],
  ])('%i qualifying points reach %s', (points, tier) => expect(qualifiedTier(rule, points)).toBe(tier));
});

describe('the rolling window', () => {
  const earned = { '2025-06': 50, '2025-07': 100, '2025-08': 200, '2026-06': 300 };
  it.each([
    ['2026-06-15T00:00:00.000Z', 12, '2025-07', 600],
    ['2026-06-15T00:00:00.000Z', 11, '2025-08', 500],
    ['2026-06-15T00:00:00.000Z', 1, '2026-06', 300],
    // A month later the window has rolled past July 2025.
    ['2026-07-01T00:00:00.000Z', 12, '2025-08', 500],
    ['2026-06-30T23:59:59.999Z', 12, '2025-07', 600],
    // Over a year boundary.
    ['2027-01-10T00:00:00.000Z', 12, '2026-02', 300],
    ['2027-06-01T00:00:00.000Z', 12, '2026-07', 0],
  ])('at %s a %i-month window starts in %s and holds %i points', (at, months, start, points) => {
    expect(windowStartMonth(at, months)).toBe(start);
    expect(windowPoints(earned, at, months)).toBe(points);
  });
});

describe('downgrades only at a period end, lazily', () => {
  // Gold when last settled; its qualifying points leave the window month by month from August.
  const status: TierStatus = {
    settledAt: '2026-06-01T12:00:00.000Z',
    floor: 'Guest',
    earned: { '2025-07': 15_000, '2025-09': 4000, '2025-12': 1000 },
  };
  const change = (from: string, to: string, effectiveAt: string, qualifyingPoints: number) => ({
    from,
    to,
    cause: 'period_end',
    effectiveAt,
    qualifyingPoints,
  });

  it('keeps the tier until a period end, whatever the window holds in between', () => {
    // 20000 in the window that closes on 1 July: still Gold.
    expect(tierInForce('VIP Gold', status, config, '2026-07-31T23:59:59.999Z')).toEqual({ tier: 'VIP Gold', changes: [] });
  });

  it('monthly periods: one step at each month end the window no longer reaches, across several periods', () => {
    expect(tierInForce('VIP Gold', status, config, '2026-08-01T00:00:00.000Z').changes).toEqual([
      change('VIP Gold', 'VIP Bronze', '2026-08-01T00:00:00.000Z', 5000),
    ]);
    expect(tierInForce('VIP Gold', status, config, '2027-03-01T00:00:00.000Z')).toEqual({
      tier: 'Guest',
      changes: [
        change('VIP Gold', 'VIP Bronze', '2026-08-01T00:00:00.000Z', 5000),
        change('VIP Bronze', 'Member', '2026-10-01T00:00:00.000Z', 1000),
        change('Member', 'Guest', '2027-01-01T00:00:00.000Z', 0),
      ],
    });
  });

  it('quarterly periods: judged at the quarter ends only', () => {
    const quarterly = tieredConfig({ period: 'quarter' });
    expect(tierInForce('VIP Gold', status, quarterly, '2026-09-30T23:59:59.999Z').tier).toBe('VIP Gold');
    expect(tierInForce('VIP Gold', status, quarterly, '2027-03-01T00:00:00.000Z').changes).toEqual([
      change('VIP Gold', 'Member', '2026-10-01T00:00:00.000Z', 1000),
      change('Member', 'Guest', '2027-01-01T00:00:00.000Z', 0),
    ]);
  });

  it('yearly periods: once, at the year end', () => {
    const yearly = tieredConfig({ period: 'year' });
    expect(tierInForce('VIP Gold', status, yearly, '2026-12-31T23:59:59.999Z').tier).toBe('VIP Gold');
    expect(tierInForce('VIP Gold', status, yearly, '2027-01-01T00:00:00.000Z').changes).toEqual([
      change('VIP Gold', 'Guest', '2027-01-01T00:00:00.000Z', 0),
    ]);
  });

  it('never below the floor the partner set', () => {
    const floored = { ...status, floor: 'VIP Bronze' };
    expect(tierInForce('VIP Gold', floored, config, '2030-01-01T00:00:00.000Z')).toEqual({
      tier: 'VIP Bronze',
      changes: [change('VIP Gold', 'VIP Bronze', '2026-08-01T00:00:00.000Z', 5000)],
    });
  });

  it('never raises the tier at a period end (upgrades come with earns)', () => {
    expect(tierInForce('Guest', status, config, '2026-08-01T00:00:00.000Z')).toEqual({ tier: 'Guest', changes: [] });
  });

  it('changes nothing while qualification is off, nor for an account that never had a tier status', () => {
    expect(tierInForce('VIP Gold', status, tieredConfig({ enabled: false }), '2030-01-01T00:00:00.000Z').tier).toBe('VIP Gold');
    expect(tierInForce('VIP Gold', undefined, config, '2030-01-01T00:00:00.000Z').tier).toBe('VIP Gold');
  });

  it('judges each period end by the version in force at it', () => {
    // From 1 September qualification is off: the August step happens, the later ones do not.
    const made = withNewVersion(
      config,
      { effectiveFrom: '2026-09-01T00:00:00.000Z', tierQualification: { enabled: false } },
      '2026-06-01T00:00:00.000Z',
      0,
    );
    if (!made.ok) throw new Error(made.message);
    expect(tierInForce('VIP Gold', status, made.config, '2027-03-01T00:00:00.000Z').tier).toBe('VIP Bronze');
  });

  it('shows views the tier in force without writing anything', () => {
    const account = { tier: 'VIP Gold', tierStatus: status };
    expect(withTierInForce(account, config, '2026-07-15T00:00:00.000Z')).toBe(account);
    expect(withTierInForce(account, config, '2026-08-15T00:00:00.000Z')).toEqual({ ...account, tier: 'VIP Bronze' });
  });
});

describe('qualification settings', () => {
  it('accepts rising thresholds from 0, refuses others with config_invalid (only while qualification is on)', () => {
    expect(configProblem(config, rule)).toBeUndefined();
    const notFromZero = { ...rule, tiers: [{ ...TIERS[0]!, minPoints: 10 }, ...TIERS.slice(1)] };
    expect(configProblem(config, notFromZero)).toMatchObject({ code: 'config_invalid', detail: expect.stringMatching(/minPoints 0/) });
    const flat = { ...rule, tiers: [TIERS[0]!, TIERS[1]!, { ...TIERS[2]!, minPoints: 1000 }] };
    expect(configProblem(config, flat)).toMatchObject({ code: 'config_invalid', detail: expect.stringMatching(/VIP Bronze \(1000\)/) });
    const off = { ...flat, tierQualification: { ...flat.tierQualification, enabled: false } };
    expect(configProblem(config, off)).toBeUndefined();
  });

  it('merges a partial section onto the version in force; versions stored before it read as off', () => {
    const made = withNewVersion(config, { tierQualification: { period: 'year' } }, '2026-06-01T00:00:00.000Z', 0);
    if (!made.ok) throw new Error(made.message);
    expect(made.version.tierQualification).toEqual({ enabled: true, windowMonths: 12, period: 'year', sources: ['purchase'] });
    const { tierQualification: _gone, ...stored } = rule;
    const read = normalizeTenantConfig({ ...config, versions: [stored] });
    expect(read.versions[0]!.tierQualification).toEqual({ enabled: false, windowMonths: 12, period: 'month', sources: ['purchase'] });
  });
});
