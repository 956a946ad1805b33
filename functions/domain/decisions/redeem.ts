import { discountCents } from '../earning.ts';
import { appendEntry } from '../ledger.ts';
import { debitWallet } from '../lots.ts';
import { eventsOf, pointsWalletUpdate, type Decision } from '../plan.ts';
import type { TenantConfig } from '../tenant-config.ts';
import type { Account, RedemptionOrderRecord, RequestContext } from '../types.ts';
import { checkRedemption, redemptionOrderWrite, type RedemptionRequest } from './redemption-checks.ts';

export type RedeemRequest = RedemptionRequest;

/**
 * One-shot redemption: debits unexpired lots in spend order for a discount. One redemption per
 * order (tenant, order id), whichever account or idempotency key: the order record is written
 * with the debit, and a second redemption of the order is refused naming the first. The
 * anti-fraud rules (redemption-velocity.ts) are counted on the account in the same write; the
 * REDEEM entry carries their counts as operator-only risk signals. With the order's subtotal,
 * the discount is capped by the tier in force (settled first: a period-end downgrade is
 * recorded with the redemption).
 */
export function decideRedeem(
  found: Account | undefined,
  existingOrder: RedemptionOrderRecord | undefined,
  request: RedeemRequest,
  config: TenantConfig,
  ctx: RequestContext,
): Decision {
  const checked = checkRedemption(found, existingOrder, request, config, ctx);
  if (!checked.ok) return checked;
  const { account, rule, window, risk, tierEvents } = checked;
  const before = account.wallets.points;
  const debit = debitWallet(before, request.points, ctx.now, false);
  const { wallet, entry } = appendEntry(
    debit.wallet,
    before,
    {
      accountId: account.accountId,
      wallet: 'points',
      type: 'REDEEM',
      amount: -request.points,
      lots: debit.consumed,
      ruleVersion: rule.version,
      source: { type: 'redemption', orderId: request.orderId },
      risk,
    },
    ctx,
  );
  const discount = discountCents(request.points, rule);
  const order = redemptionOrderWrite(
    existingOrder,
    { accountId: account.accountId, orderId: request.orderId, points: request.points, discountCents: discount },
    ctx,
  );
  const update = pointsWalletUpdate(account, wallet, ctx.now);
  return {
    ok: true,
    accounts: [{ ...update, next: { ...update.next, redemptionWindow: window } }],
    entries: [entry],
    order,
    ...eventsOf(tierEvents),
    result: {
      effect: 'created',
      body: {
        transactionId: ctx.transactionId,
        accountId: account.accountId,
        points: request.points,
        discountCents: discount,
        balance: wallet.balance,
      },
    },
  };
}
