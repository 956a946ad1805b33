import { hashLedgerEntry } from '../../functions/domain/hash-chain.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';

/**
 * A purchase EARN entry as the service writes one (hashed onto `prevHash`), for tests and
 * benchmarks that need many without running the service: the audit export, its seal and the
 * replay read them as they read real ones.
 */
export function syntheticEarn(input: {
  tenantId: string;
  accountId: string;
  seq: number;
  amount: number;
  createdAt: string;
  prevHash: string;
  /** Tells transactions apart (default: account and seq). */
  id?: string;
  /** With the pricing a replay recomputes from (absent: an entry from before `pricing` was kept). */
  pricing?: { subtotalCents: number; tier: string; ruleVersion: number };
}): LedgerEntry {
  const id = input.id ?? `${input.accountId}-${input.seq}`;
  const unhashed: Omit<LedgerEntry, 'hash'> = {
    tenantId: input.tenantId,
    accountId: input.accountId,
    wallet: 'points',
    seq: input.seq,
    type: 'EARN',
    amount: input.amount,
    balanceAfter: input.seq * input.amount,
    debtAfter: 0,
    transactionId: `tx-${id}`,
    correlationId: `tx-${id}`,
    idempotencyKey: `idem-${id}`,
    requestId: `req-${input.seq}`,
    actor: { kind: 'partner', id: 'key_0123456789abcdef' },
    source: { type: 'purchase', orderId: `order-${id}` },
    lots: [{ type: 'purchase', expiresAt: '2027-12-31T23:59:59.999Z', points: input.amount }],
    ...(input.pricing
      ? {
          ruleVersion: input.pricing.ruleVersion,
          pricing: { subtotalCents: input.pricing.subtotalCents, tier: input.pricing.tier },
          occurredAt: input.createdAt,
        }
      : {}),
    createdAt: input.createdAt,
    prevHash: input.prevHash,
  };
  return { ...unhashed, hash: hashLedgerEntry(unhashed) };
}
