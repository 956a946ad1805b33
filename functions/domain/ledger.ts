import { hashLedgerEntry } from './hash-chain.ts';
import type { LedgerEntry, LedgerEntryType, LotMovement, RequestContext, Wallet, WalletName } from './types.ts';

export interface EntryFacts {
  accountId: string;
  wallet: WalletName;
  type: LedgerEntryType;
  amount: number;
  lots: LotMovement[];
  reasonCode?: string;
  ruleVersion?: number;
  promotionId?: string;
  source?: LedgerEntry['source'];
  pricing?: LedgerEntry['pricing'];
  adjustment?: LedgerEntry['adjustment'];
  risk?: LedgerEntry['risk'];
  occurredAt?: string;
}

/**
 * Appends one entry to a wallet: the next sequence number, the balance after, and the hash
 * chained to the wallet's head. Returns the wallet with its new head.
 */
export function appendEntry(
  walletAfter: Wallet,
  walletBefore: Wallet,
  facts: EntryFacts,
  ctx: RequestContext,
): { wallet: Wallet; entry: LedgerEntry } {
  const unhashed: Omit<LedgerEntry, 'hash'> = {
    tenantId: ctx.tenantId,
    accountId: facts.accountId,
    wallet: facts.wallet,
    seq: walletBefore.seq + 1,
    type: facts.type,
    amount: facts.amount,
    balanceAfter: walletAfter.balance,
    debtAfter: walletAfter.debt,
    transactionId: ctx.transactionId,
    correlationId: ctx.transactionId,
    idempotencyKey: ctx.idempotencyKey,
    requestId: ctx.requestId,
    actor: ctx.actor,
    ...(facts.reasonCode !== undefined ? { reasonCode: facts.reasonCode } : {}),
    ...(facts.ruleVersion !== undefined ? { ruleVersion: facts.ruleVersion } : {}),
    ...(facts.promotionId !== undefined ? { promotionId: facts.promotionId } : {}),
    ...(facts.source !== undefined ? { source: facts.source } : {}),
    ...(facts.pricing !== undefined ? { pricing: facts.pricing } : {}),
    ...(facts.adjustment !== undefined ? { adjustment: facts.adjustment } : {}),
    ...(facts.risk !== undefined ? { risk: facts.risk } : {}),
    lots: facts.lots,
    ...(ctx.clientMeta !== undefined ? { clientMeta: ctx.clientMeta } : {}),
    ...(facts.occurredAt !== undefined ? { occurredAt: facts.occurredAt } : {}),
    createdAt: ctx.now,
    prevHash: walletBefore.headHash,
  };
  const hash = hashLedgerEntry(unhashed);
  return {
    entry: { ...unhashed, hash },
    wallet: { ...walletAfter, seq: unhashed.seq, headHash: hash },
  };
}
