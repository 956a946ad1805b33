import type { IdempotencyNamespace, IdempotencyRef } from './idempotency.ts';
import type { RateWindow } from './rate-limit.ts';
import type { RedemptionRisk, RedemptionWindow } from './redemption-velocity.ts';
import type { TierChange, TierStatus } from './tier-qualification.ts';
import type { LockKind, PointType } from './vocabulary.ts';

export type { PointType } from './vocabulary.ts';

export type WalletName = 'points' | 'allocation';

export type AccountRole = 'CONSUMER' | 'MODEL';

/**
 * Points of one type that expire together. Lots of the same type and expiry instant are
 * merged; `awardedAt` keeps the earliest award time so FIFO ties stay stable.
 */
export interface Lot {
  type: PointType;
  expiresAt: string;
  awardedAt: string;
  remaining: number;
}

/** What the account item knows of one lot page (the lots expiring in one UTC month). */
export interface PageSummary {
  /** Remaining points of every lot in the page, expired ones included. */
  points: number;
  /** The page item's version: its write is conditional on it. */
  version: number;
}

/**
 * What a two-phase redemption's hold reserves, kept on the wallet (functions/domain/holds.ts):
 * the lots it chose in spend order, which its commit spends. It reserves only while live.
 */
export interface HoldReservation {
  redemptionId: string;
  points: number;
  expiresAt: string;
  lots: LotMovement[];
}

/**
 * A wallet's state. Invariant: balance = sum of every lot's remaining (in all pages) - debt.
 * `holds` are two-phase redemptions' reservations (their points stay in the lots until the
 * commit); `held` is the listed holds' total, live or not yet tidied away. What live holds
 * reserve never exceeds the unexpired points.
 *
 * Lots live in pages by expiry month, outside the account item, so the item stays small at
 * any account age. `pages` summarises the months not yet over; `lots` holds only the lots of
 * the pages loaded for this decision (`loaded`). A wallet without `pages` (built in memory,
 * or stored before pages existed) has every lot in `lots`.
 */
export interface Wallet {
  balance: number;
  held: number;
  debt: number;
  /** Sequence number of the last ledger entry of this wallet (0 before the first). */
  seq: number;
  /** Hash of the last ledger entry (the genesis hash before the first). */
  headHash: string;
  lots: Lot[];
  /** Open holds (at most MAX_OPEN_HOLDS; absent: none). */
  holds?: HoldReservation[];
  pages?: Record<string, PageSummary>;
  /** Points in pages of months already over: expired, kept until the expiry sweep removes them. */
  pastPoints?: number;
  /** Months whose lots are all in `lots` (not stored). */
  loaded?: string[];
  /** The partition of the account holding the pages (not stored): names the pages to read. */
  partition?: string;
}

export type { LockKind } from './vocabulary.ts';

/** An operator's lock on an account, kept on the account item so every transaction checks it. */
export interface AccountLock {
  lockId: string;
  kind: LockKind;
  reasonCode: string;
  appliedAt: string;
  /** The operator who applied it (id and role). */
  appliedBy?: { id: string; role: string };
  /** When it stops applying by itself; absent: until lifted. */
  until?: string;
}

/**
 * Something an operator did to an account that is not a points movement (a lock applied or
 * lifted): append-only, written in the transaction that made the change, exported to the
 * audit trail and shown in the operator's ledger view, never to partners.
 */
/** What an approval event on an account records: the request, and the decision or outcome it stands for. */
export interface ApprovalEventFacts {
  approvalId: string;
  kind: string;
  /** Signed points the approved action moves (an adjustment's). */
  points?: number;
  reasonCode?: string;
  ticket?: string;
  /** The operator's note with the request or the approval: operator-only, like the whole event. */
  note?: string;
  required?: { tenant_admin: number; platform_admin: number };
  /** The approval slot a vote filled. */
  as?: string;
}

interface AccountEventBase {
  tenantId: string;
  accountId: string;
  eventId: string;
  at: string;
  actor: Actor;
  requestId: string;
  /** The points wallet's sequence number when it took effect: entries after it saw the change. */
  pointsSeq: number;
}

/**
 * An action on an account that moves no points by itself: a lock, an approval request and its
 * decisions, or a change of tier (by qualification, by the partner, or at a period end).
 */
export type AccountEvent =
  | (AccountEventBase & {
      type: 'lock.applied' | 'lock.lifted';
      lock: AccountLock;
      /** For a lift: why. */
      reasonCode?: string;
    })
  | (AccountEventBase & {
      type: 'approval.requested' | 'approval.approved' | 'approval.rejected' | 'approval.expired';
      approval: ApprovalEventFacts;
      /** For a rejection: why. */
      reasonCode?: string;
    })
  | (AccountEventBase & {
      type: 'tier.changed';
      /** From and to, why, and when it took effect (a period end may lie before `at`, when it was recorded). */
      tier: TierChange;
    });

export interface Verification {
  email: boolean;
  phone: boolean;
  enhanced: boolean;
}

export interface Account {
  tenantId: string;
  accountId: string;
  profile: { profileId: string; role: AccountRole };
  verification: Verification;
  /** The tier as last settled; the tier in force may be lower after a period end (see tier-in-force.ts). */
  tier: string;
  /** Qualification state (window buckets, partner floor); absent while the tenant's qualification was never on for it. */
  tierStatus?: TierStatus;
  fraudFlag: boolean;
  createdAt: string;
  updatedAt: string;
  /** Bumped on every change; the commit is conditional on it, so stale decisions fail. */
  version: number;
  wallets: { points: Wallet; allocation?: Wallet };
  locks: AccountLock[];
  /** Per-account write rate, counted in the same transaction as each write. */
  rateWindow?: RateWindow;
  /** Redemption anti-fraud counters (hour, day, the day's IP hashes), counted in the same transaction as each redemption. */
  redemptionWindow?: RedemptionWindow;
}

export type Actor = { kind: 'partner'; id: string } | { kind: 'operator'; id: string; role: string } | { kind: 'system'; id: string };

/** Everything about the request that is not the business input; passed in, never read. */
export interface RequestContext {
  tenantId: string;
  now: string;
  transactionId: string;
  requestId: string;
  idempotencyKey: string;
  idempotencyNamespace: IdempotencyNamespace;
  actor: Actor;
  clientMeta?: { ipHash?: string; deviceHash?: string };
}

export type LedgerEntryType = 'EARN' | 'REDEEM' | 'REVERSAL' | 'EXPIRE' | 'ADJUSTMENT';

export interface LotMovement {
  type: PointType;
  expiresAt: string;
  points: number;
}

export interface LedgerEntry {
  tenantId: string;
  accountId: string;
  wallet: WalletName;
  seq: number;
  type: LedgerEntryType;
  /** Signed: credits positive, debits negative. */
  amount: number;
  balanceAfter: number;
  /** Debt after this entry (0 unless reversals drove the wallet negative). */
  debtAfter: number;
  transactionId: string;
  correlationId: string;
  idempotencyKey: string;
  requestId: string;
  actor: Actor;
  reasonCode?: string;
  ruleVersion?: number;
  /** The configured promotion that priced a purchase earn (hashed like the rest). */
  promotionId?: string;
  source?: { type: string; orderId?: string; campaignId?: string; redemptionId?: string };
  /**
   * A purchase earn's pricing inputs (operator-only, hashed like the rest): the order subtotal
   * and the account's tier when it earned, so the replay can recompute it from the stored
   * event and rule version. Absent on entries written before it was recorded.
   */
  pricing?: { subtotalCents: number; tier: string };
  /** An operator adjustment's facts: operator-only (never in a partner's view), hashed like the rest. */
  adjustment?: { approvalId: string; ticket: string; note: string };
  /** A redemption's risk signals (its counts in the hour and day, IP hashes today, account age): operator-only. */
  risk?: RedemptionRisk;
  /** Lots created or consumed by this entry. */
  lots: LotMovement[];
  clientMeta?: { ipHash?: string; deviceHash?: string };
  occurredAt?: string;
  createdAt: string;
  prevHash: string;
  hash: string;
}

/** An order that earned points: the natural key of a purchase earn, and what reversals draw on. */
export interface OrderRecord {
  tenantId: string;
  sourceType: 'purchase';
  orderId: string;
  accountId: string;
  earnTransactionId: string;
  earnedPoints: number;
  reversedPoints: number;
  version: number;
  /** The UTC month whose qualifying bucket the earn counted in (absent: it did not count); a reversal takes its points back out. */
  qualifyingMonth?: string;
  /**
   * The idempotency key that created the order, and when (absent on orders written before it
   * was kept): a request that finds its own key here is a retry of the earn, not a duplicate.
   */
  createdBy?: IdempotencyRef & { at: string };
}

/**
 * An order that redeemed points: the natural key of a redemption, one-shot or held, unique by
 * (tenant, order id) whichever account and idempotency key. Kept under its own source type, so
 * it never meets the purchase order of the same id. A held order follows its hold's status; a
 * hold released or expired frees the order for another redemption.
 */
export interface RedemptionOrderRecord {
  tenantId: string;
  sourceType: 'redemption';
  orderId: string;
  accountId: string;
  transactionId: string;
  points: number;
  discountCents: number;
  version: number;
  /** The idempotency key that created the order, and when: see `OrderRecord.createdBy`. */
  createdBy: IdempotencyRef & { at: string };
  /** For a held redemption: the hold, its status and end (absent on a one-shot redemption, which is committed). */
  hold?: { redemptionId: string; status: RedemptionStatus; expiresAt: string };
}

export type RedemptionStatus = 'held' | 'committed' | 'released' | 'expired';

/**
 * A two-phase redemption (SPEC section 10): reserved by a hold, then committed (a REDEEM entry
 * spending the reserved lots) or released, by the partner or by itself at `expiresAt`. Its
 * status as stored may still say `held` after `expiresAt` until the timer tidies it: readers
 * take a hold past its end as expired (`redemptionStatus`).
 */
export interface RedemptionHold {
  tenantId: string;
  redemptionId: string;
  accountId: string;
  orderId: string;
  points: number;
  discountCents: number;
  /** The rule version that priced the discount. */
  ruleVersion: number;
  status: RedemptionStatus;
  expiresAt: string;
  lots: LotMovement[];
  createdAt: string;
  /** The REDEEM entry's transaction, once committed. */
  transactionId?: string;
  /** When it was committed, released or tidied as expired. */
  closedAt?: string;
  /** Anti-fraud counts when the hold was made: carried to the REDEEM entry (operator-only). */
  risk?: RedemptionRisk;
  version: number;
}

/** Any order record, by its source type. */
export type StoredOrder = OrderRecord | RedemptionOrderRecord;
