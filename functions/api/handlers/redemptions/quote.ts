import { checkRedemptionFigures } from '../../../domain/decisions/redemption-checks.ts';
import { checkDiscountCap } from '../../../domain/discount-cap.ts';
import { discountCents } from '../../../domain/earning.ts';
import { withTierInForce } from '../../../domain/tier-in-force.ts';
import { availablePoints } from '../../../domain/lots.ts';
import { ruleInForce } from '../../../domain/tenant-config.ts';
import { getAccount } from '../../../store/accounts.ts';
import { readAccountWithLivePages } from '../../../store/lot-pages.ts';
import { requireTenantConfig } from '../../../usecases/tenant-config.ts';
import { REFUSAL_TABLE } from '../../refusal-table.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { quoteRedemptionRoute } from '../../routes/redemptions/quote.ts';

/** A read: the rule in force prices the points (capped by the tier in force when the subtotal is given), the account says what is available. Refused as a redemption of them would be. */
export const handler = httpHandler(quoteRedemptionRoute, async ({ tenantId, body }) => {
  const config = await requireTenantConfig(tenantId);
  const now = new Date().toISOString();
  const account = await readAccountWithLivePages(() => getAccount(tenantId, body.accountId), now);
  if (!account) throw new ProblemError('not_found', `Account ${body.accountId} does not exist`);
  const rule = ruleInForce(config, now);
  if (!rule) throw new ProblemError('validation_error', 'No redemption rules are in force');
  const discount = discountCents(body.points, rule);
  const tier = withTierInForce(account, config, now).tier;
  const refusal =
    checkRedemptionFigures(body.points, rule) ??
    (body.subtotalCents !== undefined ? checkDiscountCap(rule, tier, body.subtotalCents, discount) : undefined);
  if (refusal) throw new ProblemError(REFUSAL_TABLE[refusal.code], refusal.detail, refusal.extra ?? {});
  const available = availablePoints(account.wallets.points, now);
  if (available < body.points) throw new ProblemError('insufficient_points', `Only ${available} points are available`, { available });
  return {
    status: 200,
    body: { accountId: body.accountId, points: body.points, discountCents: discount, available },
  };
});
