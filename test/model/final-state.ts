import { expect } from 'vitest';
import type { PartnerClient } from '../support/local-api.ts';
import type { TenantAudit } from '../support/table-audit.ts';
import { checkBalance } from './check-answer.ts';
import type { ReferenceLedger } from './reference-ledger.ts';

/**
 * The end of every run: the books audit clean, every account's balance as the service shows it
 * is the reference's, every order's earned and reversed points agree, and every order that
 * redeemed did so once, on the account and for the points the reference says.
 */
export async function checkFinalState(ledger: ReferenceLedger, client: PartnerClient, audit: TenantAudit, accountIds: string[]) {
  expect(audit.violations, 'auditor').toEqual([]);
  for (const accountId of accountIds) {
    checkBalance(ledger.balanceOf(accountId), await client.balance(accountId), `final balance of ${accountId}`);
  }
  const stored = Object.fromEntries(
    audit.orders.map((order) => [
      order.orderId,
      { accountId: order.accountId, earned: order.earnedPoints, reversed: order.reversedPoints },
    ]),
  );
  const expected = Object.fromEntries(
    [...ledger.orders].map(([orderId, order]) => [orderId, { accountId: order.accountId, earned: order.earned, reversed: order.reversed }]),
  );
  expect(stored, 'orders').toEqual(expected);
  const redeemed = Object.fromEntries(
    audit.redemptions.map((order) => [order.orderId, { accountId: order.accountId, points: order.points }]),
  );
  const expectedRedeemed = Object.fromEntries(
    [...ledger.redemptions].map(([orderId, order]) => [orderId, { accountId: order.accountId, points: order.points }]),
  );
  expect(redeemed, 'redemption orders').toEqual(expectedRedeemed);
}
