import { type ConfigVersion, tierMultiplierBp } from './tenant-config.ts';

/**
 * Points for a purchase: subtotal (cents, after discounts, before taxes and fees) times the
 * rate and the tier multiplier, rounded down. Integer arithmetic only, so the same input and
 * rule version always give the same points.
 */
export function purchasePoints(subtotalCents: number, rule: ConfigVersion, tier: string): number {
  const multiplierBp = tierMultiplierBp(rule, tier);
  // subtotalCents <= 1e9 (schema cap), rate and multiplier are small: stays below 2^53.
  return Math.floor((subtotalCents * rule.earning.purchasePointsPerUsd * multiplierBp) / (100 * 10_000));
}

/** Discount for redeemed points, in whole cents. */
export function discountCents(points: number, rule: ConfigVersion): number {
  return Math.floor(points / rule.redemption.pointsPerCent);
}
