import { appendEntry } from '../ledger.ts';
import { creditWallet, debitWallet } from '../lots.ts';
import { pointsWalletUpdate, type Decision } from '../plan.ts';
import { refuse } from '../result.ts';
import { ruleInForce, type TenantConfig } from '../tenant-config.ts';
import { expiryAfterDays } from '../time.ts';
import type { Account, RequestContext } from '../types.ts';
import type { AdjustmentReasonCode, OperatorRole } from '../vocabulary.ts';

/** What an adjustment approval request carries, and what its workflow applies once approved. */
export interface AdjustmentAction {
  accountId: string;
  /** Signed, never zero: a credit creates an `adjustment` lot, a debit may leave debt (a clawback). */
  points: number;
  reasonCode: AdjustmentReasonCode;
  ticket: string;
  /** Operator-only. */
  note: string;
}

/** Points support staff may request as a service credit (SPEC section 10); other adjustments are for admins. */
export const SUPPORT_SERVICE_CREDIT_MAX = 100;

/** Whether an operator of this role may request this adjustment at all (approving is separate). */
export function mayRequestAdjustment(roles: readonly OperatorRole[], action: AdjustmentAction): boolean {
  if (roles.includes('platform_admin') || roles.includes('tenant_admin')) return true;
  return (
    roles.includes('support') && action.reasonCode === 'service_credit' && action.points > 0 && action.points <= SUPPORT_SERVICE_CREDIT_MAX
  );
}

/**
 * Applies an approved adjustment: one ADJUSTMENT entry carrying the reason code, the ticket,
 * the note and the approval id. A credit lives as long as the rule version in force says
 * (365 days by default); a debit takes lots in spend order and leaves the rest as debt.
 */
export function decideAdjustment(
  account: Account | undefined,
  action: AdjustmentAction,
  approvalId: string,
  config: TenantConfig,
  ctx: RequestContext,
): Decision {
  if (!account) return refuse('account_not_found', `Account ${action.accountId} does not exist`);
  const rule = ruleInForce(config, ctx.now);
  if (!rule) return refuse('no_rule_in_force', 'No earning rules are in force');
  const before = account.wallets.points;
  const moved =
    action.points > 0
      ? creditWallet(before, {
          points: action.points,
          type: 'adjustment',
          expiresAt: expiryAfterDays(ctx.now, rule.earning.expiryDays.adjustment, config.timeZone),
          awardedAt: ctx.now,
        })
      : debitWallet(before, -action.points, ctx.now, true);
  const lots = 'consumed' in moved ? moved.consumed : moved.movement ? [moved.movement] : [];
  const { wallet, entry } = appendEntry(
    moved.wallet,
    before,
    {
      accountId: account.accountId,
      wallet: 'points',
      type: 'ADJUSTMENT',
      amount: action.points,
      lots,
      reasonCode: action.reasonCode,
      ruleVersion: rule.version,
      adjustment: { approvalId, ticket: action.ticket, note: action.note },
    },
    ctx,
  );
  return {
    ok: true,
    accounts: [pointsWalletUpdate(account, wallet, ctx.now)],
    entries: [entry],
    result: {
      effect: 'created',
      body: { transactionId: ctx.transactionId, accountId: account.accountId, points: action.points, balance: wallet.balance, approvalId },
    },
  };
}
