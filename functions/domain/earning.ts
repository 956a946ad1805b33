import { type ConfigVersion, promotionApplies, promotionMultiplierBp, tierMultiplierBp } from './tenant-config.ts';

/**
 * Points for a purchase: subtotal (cents, after discounts, before taxes and fees) times the
 * rate and the tier multiplier, rounded down. Integer arithmetic only, so the same input and
 * rule version always give the same points.
 */
export function purchasePoints(subtotalCents: number, rule: ConfigVersion, tier: string): number {
  return Number(scaledPoints(subtotalCents, rule, tier) / 1_000_000n);
}

/** subtotal × rate × tier multiplier (bp), exact: a bigint, so no cap on the inputs loses precision. */
function scaledPoints(subtotalCents: number, rule: ConfigVersion, tier: string): bigint {
  return BigInt(subtotalCents) * BigInt(rule.earning.purchasePointsPerUsd) * BigInt(tierMultiplierBp(rule, tier));
}

export interface PurchasePricing {
  points: number;
  /** The promotion that priced it, when one added points. */
  promotionId?: string;
}

/**
 * Points for a purchase with the promotions of the rule version: of those on at `occurredAt`
 * for the account's tier, the one giving the most points wins (ties: the earliest window end,
 * then the lowest id). A multiplier applies to the purchase's points after the tier multiplier
 * (one rounding down at the end); a fixed bonus is added to them. A promotion that would add
 * nothing is not applied. Deterministic: the same input and version always give the same answer.
 */
export function purchasePricing(subtotalCents: number, rule: ConfigVersion, tier: string, occurredAt: string): PurchasePricing {
  const scaled = scaledPoints(subtotalCents, rule, tier);
  const base = Number(scaled / 1_000_000n);
  let best: { points: number; promotion: ConfigVersion['earning']['promotions'][number] } | undefined;
  for (const promotion of rule.earning.promotions) {
    if (!promotionApplies(promotion, occurredAt, tier)) continue;
    const bp = promotionMultiplierBp(promotion);
    const points = bp === undefined ? base + (promotion.bonusPoints ?? 0) : Number((scaled * BigInt(bp)) / 10_000_000_000n);
    if (points <= base) continue;
    if (!best || points > best.points || (points === best.points && beats(promotion, best.promotion))) best = { points, promotion };
  }
  return best ? { points: best.points, promotionId: best.promotion.id } : { points: base };
}

/** Tie between promotions worth the same: the earlier window end wins, then the lower id. */
function beats(a: { id: string; window: { to: string } }, b: { id: string; window: { to: string } }): boolean {
  const byEnd = Date.parse(a.window.to) - Date.parse(b.window.to);
  if (byEnd !== 0) return byEnd < 0;
  return a.id < b.id;
}

/** Discount for redeemed points, in whole cents. */
export function discountCents(points: number, rule: ConfigVersion): number {
  return Math.floor(points / rule.redemption.pointsPerCent);
}
