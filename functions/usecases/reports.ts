import { discountCents } from '../domain/earning.ts';
import { ruleInForce, type TenantConfig } from '../domain/tenant-config.ts';
import type { PointType } from '../domain/types.ts';
import { FLOWS, readDailyFlows, readLiability, zeroFlows } from '../reports/read-model.ts';

const DAY_MS = 86_400_000;

/**
 * GET .../reports/liability: outstanding lot points of months not yet over are liability,
 * valued at the redemption rate in force now; points of months already over have expired and
 * await the sweep (reported apart, not liability). Months are UTC (lots expiring earlier this
 * month but not yet swept still count until the month is over).
 */
export async function liabilityReport(config: TenantConfig, now = new Date().toISOString()) {
  const liability = await readLiability(config.tenantId);
  const currentMonth = now.slice(0, 7);
  const byType: Partial<Record<PointType, number>> = {};
  const expiredByType: Partial<Record<PointType, number>> = {};
  const months = new Map<string, { points: number; byType: Partial<Record<PointType, number>> }>();
  let points = 0;
  let expired = 0;
  for (const [key, value] of [...liability].sort(([a], [b]) => a.localeCompare(b))) {
    const [month, type] = key.split('#') as [string, PointType];
    if (month < currentMonth) {
      expired += value;
      expiredByType[type] = (expiredByType[type] ?? 0) + value;
      continue;
    }
    points += value;
    byType[type] = (byType[type] ?? 0) + value;
    const row = months.get(month) ?? { points: 0, byType: {} };
    row.points += value;
    row.byType[type] = (row.byType[type] ?? 0) + value;
    months.set(month, row);
  }
  const rule = ruleInForce(config, now);
  return {
    tenantId: config.tenantId,
    asOf: now,
    points,
    valueCents: rule ? discountCents(points, rule) : 0,
    byType,
    byExpiryMonth: [...months].map(([month, row]) => ({ month, ...row })),
    expiredAwaitingSweep: { points: expired, byType: expiredByType },
  };
}

/** GET .../reports/daily: every UTC day from `from` to `to` (inclusive), zeros where nothing moved. */
export async function dailyReport(tenantId: string, from: string, to: string) {
  const flows = await readDailyFlows(tenantId, from, to);
  const days = [];
  for (let at = Date.parse(`${from}T00:00:00.000Z`); at <= Date.parse(`${to}T00:00:00.000Z`); at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    const row = flows.get(day) ?? zeroFlows();
    days.push({ day, ...Object.fromEntries(FLOWS.map((flow) => [flow, row[flow]])) });
  }
  return { tenantId, days };
}
