import { appendEntry } from '../ledger.ts';
import { debitWallet } from '../lots.ts';
import { refuse } from '../result.ts';
import { eventsOf, pointsWalletUpdate, type Decision } from '../plan.ts';
import type { TenantConfig } from '../tenant-config.ts';
import { settleTier, uncountEarn } from '../tier-changes.ts';
import type { Account, OrderRecord, RequestContext } from '../types.ts';

export type ReversalReason = 'refund' | 'chargeback';

export interface ReversalRequest {
  accountId: string;
  orderId: string;
  points?: number;
  reason?: ReversalReason;
}

/**
 * Takes back points earned by an order (refund or chargeback). It ignores locks and may
 * drive the balance negative: the shortfall becomes debt that later credits pay down. The
 * points leave the qualifying bucket the earn counted in (after the tier is settled, so a
 * period end already passed is judged on what the window held then); any downgrade this
 * leads to waits for the next period end.
 */
export function decideReversal(
  found: Account | undefined,
  order: OrderRecord | undefined,
  request: ReversalRequest,
  config: TenantConfig,
  ctx: RequestContext,
): Decision {
  if (!found) return refuse('account_not_found', `Account ${request.accountId} does not exist`);
  if (!order) return refuse('order_not_found', `Order ${request.orderId} earned no points on this account`);
  if (order.accountId !== found.accountId) {
    return refuse('order_of_another_account', `Order ${request.orderId} earned no points on this account`);
  }
  const unreversed = order.earnedPoints - order.reversedPoints;
  if (unreversed === 0) return refuse('nothing_to_reverse', `Order ${order.orderId} has no points left to reverse`);
  const points = request.points ?? unreversed;
  if (points > unreversed) {
    return refuse('reversal_exceeds_unreversed', `Only ${unreversed} points of order ${order.orderId} are left to reverse`, {
      unreversed,
    });
  }
  const settled = settleTier(found, config, ctx);
  const account = uncountEarn(settled.account, order.qualifyingMonth, points);
  const before = account.wallets.points;
  const debit = debitWallet(before, points, ctx.now, true);
  const { wallet, entry } = appendEntry(
    debit.wallet,
    before,
    {
      accountId: account.accountId,
      wallet: 'points',
      type: 'REVERSAL',
      amount: -points,
      lots: debit.consumed,
      reasonCode: request.reason ?? 'refund',
      source: { type: 'purchase', orderId: order.orderId },
    },
    ctx,
  );
  return {
    ok: true,
    accounts: [pointsWalletUpdate(account, wallet, ctx.now)],
    entries: [entry],
    order: {
      next: { ...order, reversedPoints: order.reversedPoints + points, version: order.version + 1 },
      expectedVersion: order.version,
    },
    ...eventsOf(settled.events),
    result: {
      effect: 'created',
      body: { transactionId: ctx.transactionId, accountId: account.accountId, points, balance: wallet.balance },
    },
  };
}
