import { refuse, type Refusal } from './result.ts';
import type { ConfigVersion } from './tenant-config.ts';

/**
 * A tier's redemption cap (SPEC section 2: "a tier may cap the discount at a percentage of the
 * order subtotal"). One pure function for every redemption route: the one-shot redeem, and the
 * two-phase quote and hold, which call it with the tier in force (see tier-in-force.ts).
 */

export interface DiscountCap {
  /** The tier's percentage (100 for a tier the version does not list). */
  maxDiscountPercent: number;
  /** The largest discount the order allows, in whole cents (rounded down). */
  maxDiscountCents: number;
  /** The most points that discount takes (whole cents of discount only). */
  maxPoints: number;
}

/** The cap for an order of `subtotalCents` and an account of `tier`, by the rule version in force. */
export function discountCap(rule: ConfigVersion, tier: string, subtotalCents: number): DiscountCap {
  const maxDiscountPercent = rule.tiers.find((t) => t.name === tier)?.maxDiscountPercent ?? 100;
  // Integers only: percent is a whole number, so the product is exact before the one rounding down.
  const maxDiscountCents = Math.floor((subtotalCents * maxDiscountPercent) / 100);
  return { maxDiscountPercent, maxDiscountCents, maxPoints: maxDiscountCents * rule.redemption.pointsPerCent };
}

/** Refuses a discount above the cap (`discount_above_cap`, with the cap's figures); undefined when within it. */
export function checkDiscountCap(rule: ConfigVersion, tier: string, subtotalCents: number, discountCents: number): Refusal | undefined {
  const cap = discountCap(rule, tier, subtotalCents);
  if (discountCents <= cap.maxDiscountCents) return undefined;
  return refuse(
    'discount_above_cap',
    `Tier ${tier} may take at most ${cap.maxDiscountPercent}% of the order subtotal off: ${cap.maxDiscountCents} cents (${cap.maxPoints} points)`,
    { tier, maxDiscountPercent: cap.maxDiscountPercent, maxDiscountCents: cap.maxDiscountCents, maxPoints: cap.maxPoints },
  );
}
