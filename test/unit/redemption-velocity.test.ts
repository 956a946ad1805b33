import { describe, expect, it } from 'vitest';
import { checkRedemptionVelocity, type RedemptionWindow } from '../../functions/domain/redemption-velocity.ts';
import { defaultRuleVersion } from '../../functions/domain/tenant-config.ts';
import { account, ctx, NOW } from '../support/domain-fixtures.ts';

const rules = (overrides: Partial<ReturnType<typeof defaultRuleVersion>['redemption']> = {}) => ({
  ...defaultRuleVersion('2020-01-01T00:00:00.000Z').redemption,
  ...overrides,
});
const window = (overrides: Partial<RedemptionWindow> = {}): RedemptionWindow => ({
  hour: NOW.slice(0, 13),
  hourCount: 0,
  day: NOW.slice(0, 10),
  dayCount: 0,
  ipHashes: [],
  ...overrides,
});

describe('redemption velocity rules', () => {
  it('defaults: counts hour and day, tracks no IP hashes, never refuses an account under 30 an hour', () => {
    const checked = checkRedemptionVelocity(account({ redemptionWindow: window({ hourCount: 29, dayCount: 99 }) }), rules(), ctx());
    expect(checked).toMatchObject({ ok: true, window: { hourCount: 30, dayCount: 100, ipHashes: [] } });
    expect(checked.ok && checked.risk).toEqual({ redemptionsThisHour: 30, redemptionsToday: 100, accountAgeHours: 3636 });
  });

  it('a new hour and a new day start from one', () => {
    const old = window({ hour: '2026-05-31T23', hourCount: 30, day: '2026-05-31', dayCount: 100, ipHashes: ['a', 'b'] });
    const checked = checkRedemptionVelocity(account({ redemptionWindow: old }), rules({ maxIpHashesPerDay: 2 }), ctx());
    expect(checked).toMatchObject({
      ok: true,
      window: { hour: '2026-06-01T12', hourCount: 1, day: '2026-06-01', dayCount: 1, ipHashes: [] },
    });
  });

  it('a limit of 0 redemptions refuses every one (there is no "off" for the counts)', () => {
    expect(checkRedemptionVelocity(account(), rules({ maxPerHour: 0 }), ctx())).toMatchObject({
      ok: false,
      code: 'redemptions_per_hour_exceeded',
    });
    expect(checkRedemptionVelocity(account(), rules({ maxPerDay: 0 }), ctx())).toMatchObject({
      ok: false,
      code: 'redemptions_per_day_exceeded',
    });
  });

  it('the cooldown is measured from createdAt, to the millisecond', () => {
    const young = account({ createdAt: '2026-06-01T02:00:00.000Z' });
    expect(checkRedemptionVelocity(young, rules({ newAccountCooldownHours: 10 }), ctx())).toMatchObject({ ok: true });
    expect(checkRedemptionVelocity(young, rules({ newAccountCooldownHours: 11 }), ctx())).toMatchObject({
      ok: false,
      code: 'redemption_cooldown',
      extra: { eligibleAt: '2026-06-01T13:00:00.000Z', retryAfterSeconds: 3600 },
    });
  });

  it('IP hashes: stored shortened, a known one passes at the cap, a new one is refused, none without a hash', () => {
    const ip = (hash: string) => ctx({ clientMeta: { ipHash: hash.repeat(64) } });
    const full = account({ redemptionWindow: window({ ipHashes: ['a'.repeat(16), 'b'.repeat(16)] }) });
    expect(checkRedemptionVelocity(full, rules({ maxIpHashesPerDay: 2 }), ip('a'))).toMatchObject({ ok: true, risk: { ipHashesToday: 2 } });
    expect(checkRedemptionVelocity(full, rules({ maxIpHashesPerDay: 2 }), ip('c'))).toMatchObject({
      ok: false,
      code: 'too_many_ip_hashes',
    });
    expect(checkRedemptionVelocity(full, rules({ maxIpHashesPerDay: 2 }), ctx())).toMatchObject({ ok: true });
    const fresh = checkRedemptionVelocity(account(), rules({ maxIpHashesPerDay: 2 }), ip('c'));
    expect(fresh).toMatchObject({ ok: true, window: { ipHashes: ['c'.repeat(16)] } });
    // Lowered below what the day has seen: known addresses still pass, the list does not grow.
    expect(checkRedemptionVelocity(full, rules({ maxIpHashesPerDay: 1 }), ip('b'))).toMatchObject({
      ok: true,
      window: { ipHashes: full.redemptionWindow!.ipHashes },
    });
  });
});
