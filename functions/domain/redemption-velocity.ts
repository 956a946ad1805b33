import type { Refusal } from './result.ts';
import { refuse } from './result.ts';
import type { ConfigVersion } from './tenant-config.ts';
import type { Account, RequestContext } from './types.ts';

/** How much of a client IP hash the account keeps: 64 bits tell a day's addresses apart and keep the item small. */
const STORED_IP_HASH_CHARS = 16;

/**
 * Redemption anti-fraud counters, kept on the account item and written by the same conditional
 * transaction as the redemption (like the write-rate window): concurrent redeems cannot
 * overshoot them, and they cost no extra read. Fixed UTC windows, one hour and one day; the
 * structure never grows with history: two counters and at most `maxIpHashesPerDay` short IP
 * hashes of the current day. Only committed redemptions are counted (a refusal writes nothing).
 */
export interface RedemptionWindow {
  /** The UTC hour counted, `YYYY-MM-DDTHH`. */
  hour: string;
  hourCount: number;
  /** The UTC day counted, `YYYY-MM-DD`. */
  day: string;
  dayCount: number;
  /** Distinct client IP hashes (shortened) redeemed from on `day`; tracked only while `maxIpHashesPerDay` is on. */
  ipHashes: string[];
}

/** Risk signals of one redemption, for operators only (stored on the REDEEM ledger entry, never in a partner view). */
export interface RedemptionRisk {
  redemptionsThisHour: number;
  redemptionsToday: number;
  /** Distinct client IP hashes today, this one included; absent while the IP rule is off. */
  ipHashesToday?: number;
  accountAgeHours: number;
}

type RedemptionRules = ConfigVersion['redemption'];

const HOUR_MS = 3_600_000;

const secondsUntil = (at: number, now: string) => Math.max(1, Math.ceil((at - Date.parse(now)) / 1000));

/**
 * The redemption anti-fraud rules, in order: new-account cooldown, redemptions per hour, per
 * day, distinct IP hashes per day. Each refusal names its own rule. A limit of 0 redemptions
 * refuses every redemption; `newAccountCooldownHours` and `maxIpHashesPerDay` of 0 are off.
 * A request without an IP hash (not through the API gateway) is not counted against the IP rule.
 */
export function checkRedemptionVelocity(
  account: Account,
  rules: RedemptionRules,
  ctx: RequestContext,
): { ok: true; window: RedemptionWindow; risk: RedemptionRisk } | Refusal {
  const now = ctx.now;
  const ageMs = Date.parse(now) - Date.parse(account.createdAt);
  if (rules.newAccountCooldownHours > 0 && ageMs < rules.newAccountCooldownHours * HOUR_MS) {
    const eligibleAtMs = Date.parse(account.createdAt) + rules.newAccountCooldownHours * HOUR_MS;
    return refuse('redemption_cooldown', `A new account may redeem ${rules.newAccountCooldownHours} hours after it is created`, {
      cooldownHours: rules.newAccountCooldownHours,
      eligibleAt: new Date(eligibleAtMs).toISOString(),
      retryAfterSeconds: secondsUntil(eligibleAtMs, now),
    });
  }
  const previous = account.redemptionWindow;
  const hour = now.slice(0, 13);
  const day = now.slice(0, 10);
  const hourCount = (previous?.hour === hour ? previous.hourCount : 0) + 1;
  if (hourCount > rules.maxPerHour) {
    return refuse('redemptions_per_hour_exceeded', `This account may redeem at most ${rules.maxPerHour} times an hour`, {
      limit: rules.maxPerHour,
      window: 'hour',
      retryAfterSeconds: secondsUntil(Date.parse(`${hour}:00:00.000Z`) + HOUR_MS, now),
    });
  }
  const dayCount = (previous?.day === day ? previous.dayCount : 0) + 1;
  if (dayCount > rules.maxPerDay) {
    return refuse('redemptions_per_day_exceeded', `This account may redeem at most ${rules.maxPerDay} times a day (UTC)`, {
      limit: rules.maxPerDay,
      window: 'day',
      retryAfterSeconds: secondsUntil(Date.parse(`${day}T00:00:00.000Z`) + 24 * HOUR_MS, now),
    });
  }
  let ipHashes: string[] = [];
  const max = rules.maxIpHashesPerDay;
  if (max > 0) {
    const seen = previous?.day === day ? previous.ipHashes : [];
    const ipHash = ctx.clientMeta?.ipHash?.slice(0, STORED_IP_HASH_CHARS);
    ipHashes = seen;
    if (ipHash && !seen.includes(ipHash)) {
      if (seen.length >= max) {
        return refuse('too_many_ip_hashes', `This account may redeem from at most ${max} client addresses a day (UTC)`, {
          limit: max,
          window: 'day',
          retryAfterSeconds: secondsUntil(Date.parse(`${day}T00:00:00.000Z`) + 24 * HOUR_MS, now),
        });
      }
      ipHashes = [...seen, ipHash];
    }
  }
  return {
    ok: true,
    window: { hour, hourCount, day, dayCount, ipHashes },
    risk: {
      redemptionsThisHour: hourCount,
      redemptionsToday: dayCount,
      ...(max > 0 ? { ipHashesToday: ipHashes.length } : {}),
      accountAgeHours: Math.max(0, Math.floor(ageMs / HOUR_MS)),
    },
  };
}
