import { refuse, type Refusal } from '../domain/result.ts';
import { MAX_CONFIG_BYTES, type ConfigVersion, type TenantConfig } from '../domain/tenant-config.ts';

/**
 * What a configuration version must satisfy beyond its schema, whether it is a tenant's first
 * (at creation) or a change: members that must agree with each other, promotions naming tiers
 * of the version, and the whole configuration fitting the tenant item.
 */
export function configProblem(config: TenantConfig, version: ConfigVersion): Refusal | undefined {
  const { promotionMin, promotionMax, promotionDefault } = version.earning.expiryDays;
  if (promotionMin > promotionMax || promotionDefault < promotionMin || promotionDefault > promotionMax) {
    return refuse(
      'config_invalid',
      `earning.expiryDays: promotionMin (${promotionMin}) <= promotionDefault (${promotionDefault}) <= promotionMax (${promotionMax}) must hold`,
    );
  }
  const { dailyMax, weeklyMax, perTransferMax } = version.transfers;
  if (perTransferMax > dailyMax || dailyMax > weeklyMax) {
    return refuse(
      'config_invalid',
      `transfers: perTransferMax (${perTransferMax}) <= dailyMax (${dailyMax}) <= weeklyMax (${weeklyMax}) must hold`,
    );
  }
  const thresholds = tierThresholdProblem(version);
  if (thresholds) return thresholds;
  const tierNames = new Set(version.tiers.map((tier) => tier.name));
  for (const promotion of version.earning.promotions) {
    const unknown = (promotion.tiers ?? []).filter((tier) => !tierNames.has(tier));
    if (unknown.length > 0) {
      return refuse('config_invalid', `earning.promotions ${promotion.id}: tiers ${unknown.join(', ')} are not tiers of this version`);
    }
  }
  // The tenant item holds every version: it must stay well inside DynamoDB's 400 KB.
  const size = Buffer.byteLength(JSON.stringify(config));
  if (size > MAX_CONFIG_BYTES) {
    return refuse(
      'config_too_large',
      `The configuration versions would take ${size} bytes, more than ${MAX_CONFIG_BYTES}: fewer promotions, or shorter ids and tier lists`,
    );
  }
  return undefined;
}

/**
 * Under qualification a tier is reached by its `minPoints`, and the list order is the ranking
 * (upgrade means further down the list): the thresholds must rise with it, from 0 (every member
 * qualifies for the first tier). Without qualification `minPoints` is informative only.
 */
function tierThresholdProblem(version: ConfigVersion): Refusal | undefined {
  if (!version.tierQualification.enabled) return undefined;
  const [first, ...rest] = version.tiers;
  if (first && first.minPoints !== 0) {
    return refuse(
      'config_invalid',
      `tiers: with tierQualification enabled the first tier (${first.name}) must have minPoints 0; it has ${first.minPoints}`,
    );
  }
  let previous = first;
  for (const tier of rest) {
    if (previous && tier.minPoints <= previous.minPoints) {
      return refuse(
        'config_invalid',
        `tiers: with tierQualification enabled each tier's minPoints must be higher than the one before it; ${tier.name} (${tier.minPoints}) is not above ${previous.name} (${previous.minPoints})`,
      );
    }
    previous = tier;
  }
  return undefined;
}
