import { describe, expect, it } from 'vitest';
import {
  MIN_EFFECTIVE_LEAD_MS,
  defaultTenantConfig,
  MAX_CONFIG_VERSIONS,
  normalizeTenantConfig,
  ruleInForce,
  tierMultiplierBp,
  tierNames,
  withNewVersion,
  type TenantConfig,
} from '../../functions/domain/tenant-config.ts';

const NOW = '2026-06-01T12:00:00.000Z';
const DAY = 86_400_000;
const KEEP = 90 * DAY;
const at = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();
/** When a change made at NOW without an effectiveFrom takes effect. */
const SOON = at(MIN_EFFECTIVE_LEAD_MS);

function changed(config: TenantConfig, change: Parameters<typeof withNewVersion>[1], now = NOW): TenantConfig {
  const out = withNewVersion(config, change, now, KEEP);
  if (!out.ok) throw new Error(out.message);
  return out.config;
}

describe('versions at their boundaries', () => {
  const base = defaultTenantConfig('t1', 'T1', '1970-01-01T00:00:00.000Z');
  const tomorrow = at(DAY);
  const config = changed(changed(base, { effectiveFrom: tomorrow, earning: { purchasePointsPerUsd: 20 } }), {
    effectiveFrom: at(2 * DAY),
    earning: { purchasePointsPerUsd: 30 },
  });
  const cases: [string, string, number, number][] = [
    ['now: the first version', NOW, 1, 12],
    ['a millisecond before tomorrow: still the first', at(DAY - 1), 1, 12],
    ['exactly at effectiveFrom: the new version', tomorrow, 2, 20],
    ['a millisecond after: the new version', at(DAY + 1), 2, 20],
    ['a millisecond before the third', at(2 * DAY - 1), 2, 20],
    ['exactly at the third', at(2 * DAY), 3, 30],
    ['long after: the latest', at(400 * DAY), 3, 30],
  ];
  for (const [name, instant, version, rate] of cases) {
    it(name, () => {
      const rule = ruleInForce(config, instant);
      expect(rule?.version).toBe(version);
      expect(rule?.earning.purchasePointsPerUsd).toBe(rate);
    });
  }
  it('has none before the first version', () => {
    const late = defaultTenantConfig('t2', 'T2', NOW);
    expect(ruleInForce(late, at(-1))).toBeUndefined();
    expect(ruleInForce(late, NOW)?.version).toBe(1);
  });
  it('of two versions effective at the same instant, the one made last wins', () => {
    const twice = changed(changed(base, { effectiveFrom: tomorrow, redemption: { minPoints: 1000 } }), {
      effectiveFrom: tomorrow,
      redemption: { maxPerDay: 5 },
    });
    const rule = ruleInForce(twice, tomorrow);
    expect(rule?.version).toBe(3);
    // Built on the version in force at that instant: the first change carries into the second.
    expect(rule?.redemption).toMatchObject({ minPoints: 1000, maxPerDay: 5 });
  });
});

describe('a change', () => {
  const base = defaultTenantConfig('t1', 'T1', '1970-01-01T00:00:00.000Z');

  it('defaults to as soon as every function will have read it: a minute from now', () => {
    const out = withNewVersion(base, { redemption: { minPoints: 100 } }, NOW, KEEP);
    expect(out.ok && out.version).toMatchObject({ version: 2, effectiveFrom: at(MIN_EFFECTIVE_LEAD_MS), createdAt: NOW });
  });

  it('is refused sooner than that, and taken from then on', () => {
    expect(withNewVersion(base, { effectiveFrom: NOW, redemption: { minPoints: 100 } }, NOW, KEEP)).toMatchObject({
      ok: false,
      code: 'effective_from_too_soon',
    });
    expect(withNewVersion(base, { effectiveFrom: at(MIN_EFFECTIVE_LEAD_MS - 1), redemption: { minPoints: 100 } }, NOW, KEEP)).toMatchObject(
      {
        ok: false,
        code: 'effective_from_too_soon',
      },
    );
    expect(withNewVersion(base, { effectiveFrom: at(MIN_EFFECTIVE_LEAD_MS), redemption: { minPoints: 100 } }, NOW, KEEP).ok).toBe(true);
  });

  const past: [string, string][] = [
    ['a millisecond ago', at(-1)],
    ['yesterday', at(-DAY)],
    ['the epoch', '1970-01-01T00:00:00.000Z'],
  ];
  for (const [name, effectiveFrom] of past) {
    it(`is refused from the past (${name})`, () => {
      expect(withNewVersion(base, { effectiveFrom, redemption: { minPoints: 100 } }, NOW, KEEP)).toMatchObject({
        ok: false,
        code: 'effective_from_in_past',
      });
    });
  }

  it('keeps the members a section leaves out, and the sections left out', () => {
    const config = changed(base, { redemption: { minPoints: 100 }, transfers: { enabled: true, escrow: { autoReleaseHours: 5 } } });
    const rule = ruleInForce(config, SOON)!;
    expect(rule.redemption).toEqual({ ...ruleInForce(base, SOON)!.redemption, minPoints: 100 });
    expect(rule.transfers).toMatchObject({
      enabled: true,
      perTransferMax: 250,
      escrow: { newReceiverAbovePoints: 0, autoReleaseHours: 5 },
    });
    expect(rule.earning).toEqual(ruleInForce(base, SOON)!.earning);
  });

  it('replaces the tier list whole', () => {
    const config = changed(base, { tiers: [{ name: 'Gold', minPoints: 0, multiplier: 1.25, maxDiscountPercent: 50 }] });
    const rule = ruleInForce(config, SOON)!;
    expect(rule.tiers.map((t) => t.name)).toEqual(['Gold']);
    expect(tierMultiplierBp(rule, 'Gold')).toBe(12_500);
    expect(tierMultiplierBp(rule, 'Guest')).toBe(10_000);
  });

  it('never edits a version: earlier versions are unchanged', () => {
    const config = changed(base, { earning: { purchasePointsPerUsd: 99 } });
    expect(config.versions[0]).toEqual(base.versions[0]);
  });

  it('keeps a later scheduled version as it is', () => {
    const scheduled = changed(base, { effectiveFrom: at(DAY), earning: { purchasePointsPerUsd: 20 } });
    const config = changed(scheduled, { redemption: { minPoints: 100 } });
    expect(ruleInForce(config, SOON)?.redemption.minPoints).toBe(100);
    expect(ruleInForce(config, at(DAY))).toMatchObject({ version: 2, redemption: { minPoints: 5000 } });
  });

  it('offers the tiers in force and those scheduled', () => {
    const config = changed(base, {
      effectiveFrom: at(DAY),
      tiers: [{ name: 'Platinum', minPoints: 0, multiplier: 2, maxDiscountPercent: 100 }],
    });
    expect(tierNames(config, NOW)).toEqual(['Guest', 'Member', 'VIP Bronze', 'VIP Silver', 'VIP Gold', 'Platinum']);
    expect(tierNames(config, at(DAY))).toEqual(['Platinum']);
  });
});

describe('the version cap', () => {
  it(`keeps at most ${MAX_CONFIG_VERSIONS}, dropping versions superseded before the horizon`, () => {
    let config = defaultTenantConfig('t1', 'T1', '1970-01-01T00:00:00.000Z');
    // One change every 3 days, 200 changes: old versions go once no event can still be priced by them.
    for (let i = 0; i < 200; i++) config = changed(config, { earning: { purchasePointsPerUsd: 1 + i } }, at(i * 3 * DAY));
    expect(config.versions.length).toBe(MAX_CONFIG_VERSIONS);
    const last = at(199 * 3 * DAY + MIN_EFFECTIVE_LEAD_MS);
    expect(ruleInForce(config, last)?.earning.purchasePointsPerUsd).toBe(200);
    expect(ruleInForce(config, new Date(Date.parse(last) - KEEP).toISOString())).toBeDefined();
  });
  it('refuses a change when no version is old enough to drop', () => {
    let config = defaultTenantConfig('t1', 'T1', NOW);
    for (let i = 1; i < MAX_CONFIG_VERSIONS; i++) {
      config = changed(config, { effectiveFrom: at(MIN_EFFECTIVE_LEAD_MS + i), redemption: { minPoints: i } });
    }
    expect(withNewVersion(config, { redemption: { minPoints: 1 } }, NOW, KEEP)).toMatchObject({
      ok: false,
      code: 'too_many_config_versions',
    });
  });
});

describe('tenants stored before the configuration document', () => {
  it('map to versions with their values and the defaults', () => {
    const config = normalizeTenantConfig({
      tenantId: 'old',
      displayName: 'Old',
      timeZone: 'America/Vancouver',
      tiers: ['Guest', 'VIP Gold'],
      limits: { accountWritesPerMinute: 5 },
      approvals: { expiryDays: 2 },
      ruleVersions: [
        {
          version: 1,
          effectiveFrom: '1970-01-01T00:00:00.000Z',
          purchasePointsPerUsd: 15,
          tierMultipliersBp: { Guest: 10_000, 'VIP Gold': 15_000 },
          expiryDays: { purchase: 300, bonus: 200, promotionDefault: 60, adjustment: 100 },
          promotionDaysRange: { min: 20, max: 80 },
          minRedemptionPoints: 4000,
          pointsPerCent: 10,
        },
      ],
    });
    const rule = ruleInForce(config, NOW)!;
    expect(config.timeZone).toBe('America/Vancouver');
    expect(rule.earning).toEqual({
      purchasePointsPerUsd: 15,
      expiryDays: { purchase: 300, bonus: 200, promotionDefault: 60, promotionMin: 20, promotionMax: 80, adjustment: 100 },
      promotions: [],
    });
    expect(rule.redemption).toMatchObject({ minPoints: 4000, pointsPerCent: 10, holdSeconds: 900 });
    expect(tierMultiplierBp(rule, 'VIP Gold')).toBe(15_000);
    expect(rule.limits.accountWritesPerMinute).toBe(5);
    expect(rule.approvals.expiryDays).toBe(2);
    expect(rule.transfers.enabled).toBe(false);
  });
  it('a partial old version takes the defaults', () => {
    const config = normalizeTenantConfig({
      tenantId: 'x',
      displayName: 'X',
      tiers: ['Guest'],
      ruleVersions: [{ version: 1, purchasePointsPerUsd: 12 }],
    });
    expect(ruleInForce(config, NOW)?.redemption.minPoints).toBe(5000);
  });
  it('the current shape is read as it is', () => {
    const config = defaultTenantConfig('t', 'T', NOW);
    expect(normalizeTenantConfig(config as unknown as Record<string, unknown>)).toBe(config);
  });
});
