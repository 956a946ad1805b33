import { DAY_MS, localDateOf } from './calendar.ts';

/**
 * An in-memory reference ledger: the partner API's money rules written a second time, as
 * plainly as possible, with no import from functions/. The model test sends the same request
 * to the service and to this, and the two must agree on every answer.
 *
 * Time: lots are priced by the request's `occurredAt`, which the generators always send, so
 * a lot's expiry day follows from the request alone. The generators keep every expiry day at
 * least two days away from the day the run starts (see `checkExpiryDay`), so whether a lot has
 * expired is fixed for the whole run (as long as it lasts less than a day), whatever the
 * server's clock says. Expired lots are modelled exactly from there: they stay in `balance`,
 * never count as available and are never debited.
 */

/** The tenant defaults the service provisions (SPEC section 2). */
export const RULES = {
  tiers: ['Guest', 'Member', 'VIP Bronze', 'VIP Silver', 'VIP Gold'],
  purchasePointsPerUsd: 12,
  expiryDays: { purchase: 365, bonus: 365, promotionDefault: 90, adjustment: 365 },
  promotionDays: { min: 30, max: 90 },
  minRedemptionPoints: 5000,
  pointsPerCent: 10,
  ruleVersion: 1,
  /** Open holds one account may have (the service's MAX_OPEN_HOLDS). */
  maxOpenHolds: 10,
} as const;

export type Verification = { email: boolean; phone: boolean; enhanced: boolean };
export type CampaignType = 'promotion' | 'bonus';

export type ModelRequest =
  | {
      kind: 'putAccount';
      accountId: string;
      body: { profile: { profileId: string; role: 'CONSUMER' }; verification?: Partial<Verification>; tier?: string };
    }
  | {
      kind: 'earn';
      body: {
        accountId: string;
        source:
          | { type: 'purchase'; orderId: string; subtotalCents: number }
          | { type: 'promotion'; campaignId: string; points: number; expiresInDays?: number }
          | { type: 'bonus'; campaignId: string; points: number };
        occurredAt: string;
      };
    }
  | { kind: 'redeem'; body: { accountId: string; points: number; orderId: string } }
  /** Two-phase redemption (SPEC section 10): a hold, then its commit or release, by the service's redemption id. */
  | { kind: 'hold'; body: { accountId: string; points: number; orderId: string } }
  | { kind: 'commitHold'; redemptionId: string }
  | { kind: 'releaseHold'; redemptionId: string }
  | { kind: 'reverse'; body: { accountId: string; orderId: string; points?: number; reason?: 'refund' | 'chargeback' } }
  /** Operator requests (their own idempotency key space): a lock and the lift of one. */
  | { kind: 'lock'; accountId: string; body: { kind: LockKind; reasonCode: 'other' } }
  | { kind: 'unlock'; accountId: string; lockId: string; body: { reasonCode: 'resolved' } };

export type LockKind = 'redemption' | 'transfer' | 'account';

/** Operators' keys and partners' keys are separate spaces: the same key in each is two keys. */
export const keySpaceOf = (request: ModelRequest) => (request.kind === 'lock' || request.kind === 'unlock' ? 'operator' : 'partner');

export type Expected =
  /** `body` lists the fields the answer must carry with exactly these values. */
  | { kind: 'success'; status: 200 | 201 | 202; body: Record<string, unknown> }
  /** `duplicateOf`: the key slot (`partner|key`) of the earn or redemption whose transactionId the problem must carry. */
  | { kind: 'refusal'; status: number; code: string; extra?: Record<string, unknown>; duplicateOf?: string }
  /** The same status and body as the first answer to this key, marked as a replay. */
  | { kind: 'replay'; key: string };

export interface BalanceExpectation {
  balance: number;
  available: number;
  held: number;
  debt: number;
  expired: number;
  byType: Record<string, number>;
  expiring: { date: string; points: number }[];
}

interface Lot {
  type: 'purchase' | CampaignType | 'adjustment';
  expiryDay: string;
  /** Orders lots of the same expiry day: the service's award instant, or any increasing stamp. */
  awardedAt: string;
  remaining: number;
}

interface Account {
  profileId: string;
  tier: string;
  verification: Verification;
  balance: number;
  debt: number;
  lots: Lot[];
  /** Active locks; a new one's id is the service's, named once its answer is in (`nameLock`). */
  locks: { lockId: string; kind: LockKind }[];
}

/** Locks one account may hold at once (the service's MAX_ACTIVE_LOCKS). */
const MAX_LOCKS = 10;

export interface OrderState {
  accountId: string;
  earned: number;
  reversed: number;
  earnKey: string;
}

/**
 * A checkout that redeemed, or holds points: one per order id in the tenant, whichever account.
 * A hold's order follows its status; a released hold frees the order. `redeemKey` names the
 * answer whose transactionId a duplicate_order names (the redeem's, or the hold's commit's).
 */
export interface RedemptionState {
  accountId: string;
  points: number;
  redeemKey?: string;
  hold?: HoldState;
}

/**
 * A hold: the points it reserved of each lot (by type and expiry day), and where it stands.
 * Holds last 900 s; a run's clock only passes their end when it jumps (`expireHolds`).
 */
export interface HoldState {
  redemptionId: string;
  accountId: string;
  orderId: string;
  points: number;
  reserved: { type: Lot['type']; expiryDay: string; points: number }[];
  status: 'held' | 'committed' | 'released' | 'expired';
}

const ok = (status: 200 | 201 | 202, body: Record<string, unknown>): Expected => ({ kind: 'success', status, body });
const refuse = (status: number, code: string, extra?: Record<string, unknown>): Expected => ({
  kind: 'refusal',
  status,
  code,
  ...(extra ? { extra } : {}),
});

export class ReferenceLedger {
  readonly accounts = new Map<string, Account>();
  readonly orders = new Map<string, OrderState>();
  /** Redemptions by order id: a second one for the order (another key, any account) is 409. */
  readonly redemptions = new Map<string, RedemptionState>();
  /** Idempotency keys of committed requests (`space|key`), with the request they committed. */
  readonly committedKeys = new Map<string, string>();
  /** Every lock id the service gave, lifted ones included (lifting one again is a 404). */
  readonly lockIds: { accountId: string; lockId: string }[] = [];
  /** Every hold, in the order made; a new one's id is the service's, named once its answer is in (`nameHold`). */
  readonly holds: HoldState[] = [];
  /**
   * The tenant's earn-rate versions, oldest first: version 1 from the start, each change from its
   * `effectiveFrom` (ms). A purchase is priced by the one in force at its `occurredAt`.
   */
  readonly rateVersions: { version: number; effectiveFrom: number; purchasePointsPerUsd: number }[] = [
    { version: RULES.ruleVersion, effectiveFrom: 0, purchasePointsPerUsd: RULES.purchasePointsPerUsd },
  ];

  constructor(
    readonly timeZone: string,
    /** The tenant-local date when the run started. */
    readonly today: string,
  ) {}

  /** Idempotency first, as the service does: a known key replays or is refused before any rule. */
  submit(key: string, request: ModelRequest, awardedAt: string): Expected {
    const fingerprint = fingerprintOf(request);
    const slot = `${keySpaceOf(request)}|${key}`;
    const committed = this.committedKeys.get(slot);
    if (committed !== undefined) {
      return committed === fingerprint ? { kind: 'replay', key: slot } : refuse(422, 'idempotency_key_reused');
    }
    const expected = this.decide(key, request, awardedAt);
    // Refusals are not stored: the same key may be decided anew once the cause is gone.
    if (expected.kind === 'success') this.committedKeys.set(slot, fingerprint);
    return expected;
  }

  /** The expiry day of points credited for an event at `occurredAt` that live `days` days. */
  expiryDayOf(occurredAt: string, days: number): string {
    return localDateOf(Date.parse(occurredAt) + days * DAY_MS, this.timeZone);
  }

  balanceOf(accountId: string): BalanceExpectation | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    const byType: Record<string, number> = {};
    const expiring = new Map<string, number>();
    let unexpired = 0;
    let held = 0;
    for (const lot of account.lots) {
      if (!this.isExpired(lot)) held += Math.min(lot.remaining, this.reservedOf(accountId, lot));
    }
    for (const lot of account.lots) {
      if (this.isExpired(lot)) continue;
      unexpired += lot.remaining;
      byType[lot.type] = (byType[lot.type] ?? 0) + lot.remaining;
      expiring.set(lot.expiryDay, (expiring.get(lot.expiryDay) ?? 0) + lot.remaining);
    }
    return {
      balance: account.balance,
      available: account.debt > 0 ? 0 : unexpired - held,
      held,
      debt: account.debt,
      expired: account.balance + account.debt - unexpired,
      byType,
      expiring: [...expiring.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, points]) => ({ date, points })),
    };
  }

  private decide(key: string, request: ModelRequest, awardedAt: string): Expected {
    switch (request.kind) {
      case 'putAccount':
        return this.putAccount(request.accountId, request.body);
      case 'earn':
        return this.earn(key, request.body, awardedAt);
      case 'redeem':
        return this.redeem(key, request.body);
      case 'hold':
        return this.hold(request.body);
      case 'commitHold':
        return this.commitHold(key, request.redemptionId);
      case 'releaseHold':
        return this.releaseHold(request.redemptionId);
      case 'reverse':
        return this.reverse(request.body);
      case 'lock':
        return this.lock(request.accountId, request.body.kind);
      case 'unlock':
        return this.unlock(request.accountId, request.lockId);
    }
  }

  /** The version in force at an instant: the latest to have started by then. */
  rateAt(occurredAt: string): ReferenceLedger['rateVersions'][number] {
    const at = Date.parse(occurredAt);
    return this.rateVersions.filter((version) => version.effectiveFrom <= at).at(-1)!;
  }

  /** A configuration change the service took: a new version of the earn rate from `effectiveFrom`. */
  addRateVersion(effectiveFrom: string, purchasePointsPerUsd: number): number {
    const version = this.rateVersions.length + 1;
    this.rateVersions.push({ version, effectiveFrom: Date.parse(effectiveFrom), purchasePointsPerUsd });
    return version;
  }

  /** The id the service gave the lock just applied to this account. */
  nameLock(accountId: string, lockId: string): void {
    const pending = this.accounts.get(accountId)?.locks.find((lock) => lock.lockId === '');
    if (!pending) throw new Error(`reference: no lock waiting for its id on ${accountId}`);
    pending.lockId = lockId;
    this.lockIds.push({ accountId, lockId });
  }

  private lock(accountId: string, kind: LockKind): Expected {
    const account = this.accounts.get(accountId);
    if (!account) return refuse(404, 'not_found');
    if (account.locks.length >= MAX_LOCKS) return refuse(422, 'limit_exceeded');
    account.locks.push({ lockId: '', kind });
    return ok(201, { accountId, kind, status: 'active' });
  }

  private unlock(accountId: string, lockId: string): Expected {
    const account = this.accounts.get(accountId);
    if (!account) return refuse(404, 'not_found');
    if (!account.locks.some((lock) => lock.lockId === lockId)) return refuse(404, 'not_found');
    account.locks = account.locks.filter((lock) => lock.lockId !== lockId);
    return ok(200, { accountId, lockId, status: 'lifted' });
  }

  /**
   * An operator's adjustment request (POST .../adjustments): refused for an account that does
   * not exist, otherwise pending until decided. Nothing moves until it is approved and applied
   * (`applyAdjustment`); a rejected one changes nothing. Locks do not stop it: an adjustment is
   * an operator's correction, approved by other operators.
   */
  requestAdjustment(accountId: string, points: number): Expected {
    if (!this.accounts.has(accountId)) return refuse(404, 'not_found');
    const size = Math.abs(points);
    const required = { tenant_admin: size <= 100 ? 1 : 2, platform_admin: size <= 500 ? 0 : 1 };
    return ok(202, { status: 'pending', kind: 'adjustment', required, action: { accountId, points } });
  }

  /**
   * An approved adjustment applied at `appliedAt` (the service's instant: no request carries
   * one): a credit pays debt first and the rest is an `adjustment` lot living the rule's 365
   * days from then; a debit takes lots in spend order and what they cannot cover becomes debt
   * (a clawback), as a reversal's does.
   */
  applyAdjustment(accountId: string, points: number, appliedAt: string, awardedAt: string): void {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`reference: an adjustment applied to ${accountId}, which does not exist`);
    if (points > 0) {
      const expiryDay = this.checkExpiryDay(this.expiryDayOf(appliedAt, RULES.expiryDays.adjustment));
      this.credit(account, points, 'adjustment', expiryDay, awardedAt);
    } else this.debit(accountId, -points, true);
  }

  /** `redemption` blocks redeems, `account` every partner change but reversals; `transfer` none of these. */
  private locked(account: Account, kind: 'redemption' | 'account'): boolean {
    return account.locks.some((lock) => lock.kind === kind || lock.kind === 'account');
  }

  private putAccount(accountId: string, body: Extract<ModelRequest, { kind: 'putAccount' }>['body']): Expected {
    const existing = this.accounts.get(accountId);
    if (existing && this.locked(existing, 'account')) return refuse(423, 'account_locked');
    const tier = body.tier ?? existing?.tier ?? 'Guest';
    if (!(RULES.tiers as readonly string[]).includes(tier)) return refuse(400, 'validation_error');
    const verification = {
      email: body.verification?.email ?? existing?.verification.email ?? false,
      phone: body.verification?.phone ?? existing?.verification.phone ?? false,
      enhanced: body.verification?.enhanced ?? existing?.verification.enhanced ?? false,
    };
    const account: Account = existing ?? { profileId: '', tier, verification, balance: 0, debt: 0, lots: [], locks: [] };
    Object.assign(account, { profileId: body.profile.profileId, tier, verification });
    this.accounts.set(accountId, account);
    return ok(existing ? 200 : 201, { accountId, tier, verification, trustLevel: trustLevelOf(account), profile: body.profile });
  }

  private earn(key: string, body: Extract<ModelRequest, { kind: 'earn' }>['body'], awardedAt: string): Expected {
    const account = this.accounts.get(body.accountId);
    if (!account) return refuse(404, 'not_found');
    if (this.locked(account, 'account')) return refuse(423, 'account_locked');
    const { source } = body;
    let points: number;
    let days: number;
    const rule = this.rateAt(body.occurredAt);
    if (source.type === 'purchase') {
      const order = this.orders.get(source.orderId);
      if (order) return { ...refuse(409, 'duplicate_order'), duplicateOf: order.earnKey } as Expected;
      // Points per USD of the version in force: subtotal in cents * rate / 100, rounded down (every tier is 1x here).
      points = Math.floor((source.subtotalCents * rule.purchasePointsPerUsd) / 100);
      days = RULES.expiryDays.purchase;
    } else if (source.type === 'bonus') {
      points = source.points;
      days = RULES.expiryDays.bonus;
    } else {
      days = source.expiresInDays ?? RULES.expiryDays.promotionDefault;
      if (days < RULES.promotionDays.min || days > RULES.promotionDays.max) return refuse(400, 'validation_error');
      points = source.points;
    }
    if (points > 0) {
      const expiryDay = this.checkExpiryDay(this.expiryDayOf(body.occurredAt, days));
      // Backdated points whose life has already ended are refused, never credited (or used on debt).
      if (expiryDay < this.today) return refuse(422, 'expired_on_arrival');
      this.credit(account, points, source.type, expiryDay, awardedAt);
    }
    if (source.type === 'purchase') {
      this.orders.set(source.orderId, { accountId: body.accountId, earned: points, reversed: 0, earnKey: `partner|${key}` });
    }
    return ok(201, { accountId: body.accountId, points, balance: account.balance, ruleVersion: rule.version });
  }

  private redeem(key: string, body: Extract<ModelRequest, { kind: 'redeem' }>['body']): Expected {
    const account = this.accounts.get(body.accountId);
    if (!account) return refuse(404, 'not_found');
    if (this.locked(account, 'redemption')) return refuse(423, 'account_locked');
    const refused = this.redemptionRefusal(account, body);
    if (refused) return refused;
    // Redemption anti-fraud (default 30 an hour, 100 a day; cooldown and IP rule off) never
    // refuses here: one redemption per order, and the pools hold a handful of order ids.
    this.debit(body.accountId, body.points, false);
    this.redemptions.set(body.orderId, { accountId: body.accountId, points: body.points, redeemKey: `partner|${key}` });
    return ok(201, {
      accountId: body.accountId,
      points: body.points,
      discountCents: body.points / RULES.pointsPerCent,
      balance: account.balance,
    });
  }

  /** The rules a redeem and a hold share, in the service's order (after the account and its lock). */
  private redemptionRefusal(account: Account, body: { accountId: string; points: number; orderId: string }): Expected | undefined {
    if (this.locked(account, 'redemption')) return refuse(423, 'account_locked');
    const first = this.redemptions.get(body.orderId);
    if (first && first.hold?.status !== 'released' && first.hold?.status !== 'expired') {
      if (first.hold?.status === 'held') return refuse(409, 'duplicate_order', { redemptionId: first.hold.redemptionId });
      return { ...refuse(409, 'duplicate_order'), duplicateOf: first.redeemKey } as Expected;
    }
    if (body.points < RULES.minRedemptionPoints) {
      return refuse(422, 'below_minimum_redemption', { minimum: RULES.minRedemptionPoints });
    }
    if (body.points % RULES.pointsPerCent !== 0) return refuse(400, 'validation_error');
    const available = this.balanceOf(body.accountId)!.available;
    if (available < body.points) return refuse(422, 'insufficient_points', { available });
    return undefined;
  }

  /** Points of this lot that held holds reserve. */
  private reservedOf(accountId: string, lot: Pick<Lot, 'type' | 'expiryDay'>): number {
    return this.holds
      .filter((hold) => hold.status === 'held' && hold.accountId === accountId)
      .flatMap((hold) => hold.reserved)
      .filter((part) => part.type === lot.type && part.expiryDay === lot.expiryDay)
      .reduce((sum, part) => sum + part.points, 0);
  }

  /** A hold reserves free points of unexpired lots in spend order (every live lot outlives a 900 s hold here); nothing is debited. */
  private hold(body: Extract<ModelRequest, { kind: 'hold' }>['body']): Expected {
    const account = this.accounts.get(body.accountId);
    if (!account) return refuse(404, 'not_found');
    const refused = this.redemptionRefusal(account, body);
    if (refused) return refused;
    const open = this.holds.filter((hold) => hold.status === 'held' && hold.accountId === body.accountId);
    if (open.length >= RULES.maxOpenHolds) return refuse(422, 'limit_exceeded', { limit: RULES.maxOpenHolds });
    const reserved: HoldState['reserved'] = [];
    let outstanding = body.points;
    for (const lot of this.spendOrder(account)) {
      if (outstanding === 0) break;
      const take = Math.min(Math.max(0, lot.remaining - this.reservedOf(body.accountId, lot)), outstanding);
      if (take === 0) continue;
      reserved.push({ type: lot.type, expiryDay: lot.expiryDay, points: take });
      outstanding -= take;
    }
    if (outstanding > 0) throw new Error('reference: a hold was allowed beyond the available points');
    const hold: HoldState = {
      redemptionId: '',
      accountId: body.accountId,
      orderId: body.orderId,
      points: body.points,
      reserved,
      status: 'held',
    };
    this.holds.push(hold);
    this.redemptions.set(body.orderId, { accountId: body.accountId, points: body.points, hold });
    const after = this.balanceOf(body.accountId)!;
    return ok(201, {
      status: 'held',
      accountId: body.accountId,
      orderId: body.orderId,
      points: body.points,
      discountCents: body.points / RULES.pointsPerCent,
      balance: account.balance,
      available: after.available,
      held: after.held,
    });
  }

  /** The clock jumped past every open hold's end: each has expired by itself, freeing its points and its order. */
  expireHolds(): void {
    for (const hold of this.holds) if (hold.status === 'held') hold.status = 'expired';
  }

  /** The id the service gave the hold just made. */
  nameHold(redemptionId: string): void {
    const pending = this.holds.find((hold) => hold.redemptionId === '');
    if (!pending) throw new Error('reference: no hold waiting for its id');
    pending.redemptionId = redemptionId;
  }

  /**
   * A commit spends exactly the hold's reserved points, unless a clawback took some of them
   * meanwhile (then it is refused and can only be released); refused while locked or in debt.
   */
  private commitHold(key: string, redemptionId: string): Expected {
    const hold = this.holds.find((candidate) => candidate.redemptionId === redemptionId);
    if (!hold) return refuse(404, 'not_found');
    if (hold.status !== 'held') return refuse(409, 'redemption_not_held', { redemptionStatus: hold.status });
    const account = this.accounts.get(hold.accountId)!;
    if (this.locked(account, 'redemption')) return refuse(423, 'account_locked');
    if (account.debt > 0) return refuse(422, 'insufficient_points');
    const lotOf = (part: HoldState['reserved'][number]) =>
      account.lots.find((lot) => lot.type === part.type && lot.expiryDay === part.expiryDay);
    if (hold.reserved.some((part) => (lotOf(part)?.remaining ?? 0) < part.points)) return refuse(422, 'insufficient_points');
    for (const part of hold.reserved) lotOf(part)!.remaining -= part.points;
    account.lots = account.lots.filter((lot) => lot.remaining > 0);
    account.balance -= hold.points;
    hold.status = 'committed';
    this.redemptions.get(hold.orderId)!.redeemKey = `partner|${key}`;
    return ok(200, {
      status: 'committed',
      redemptionId,
      accountId: hold.accountId,
      orderId: hold.orderId,
      points: hold.points,
      discountCents: hold.points / RULES.pointsPerCent,
      balance: account.balance,
    });
  }

  private releaseHold(redemptionId: string): Expected {
    const hold = this.holds.find((candidate) => candidate.redemptionId === redemptionId);
    if (!hold) return refuse(404, 'not_found');
    if (hold.status !== 'held') return refuse(409, 'redemption_not_held', { redemptionStatus: hold.status });
    hold.status = 'released';
    const after = this.balanceOf(hold.accountId)!;
    return ok(200, { status: 'released', redemptionId, balance: after.balance, available: after.available, held: after.held });
  }

  /**
   * The expiry sweep as of `asOf` (a later instant: the service's sweep takes one for tests):
   * every lot whose day is over by then is written off whole, reserved points included.
   */
  sweep(asOfDay: string): { lotsExpired: number; pointsExpired: number } {
    let lotsExpired = 0;
    let pointsExpired = 0;
    for (const account of this.accounts.values()) {
      for (const lot of account.lots) {
        if (lot.expiryDay >= asOfDay) continue;
        lotsExpired += 1;
        pointsExpired += lot.remaining;
        account.balance -= lot.remaining;
        lot.remaining = 0;
      }
      account.lots = account.lots.filter((lot) => lot.remaining > 0);
    }
    return { lotsExpired, pointsExpired };
  }

  private reverse(body: Extract<ModelRequest, { kind: 'reverse' }>['body']): Expected {
    const account = this.accounts.get(body.accountId);
    if (!account) return refuse(404, 'not_found');
    const order = this.orders.get(body.orderId);
    if (!order || order.accountId !== body.accountId) return refuse(404, 'not_found');
    const unreversed = order.earned - order.reversed;
    if (unreversed === 0) return refuse(422, 'nothing_to_reverse');
    const points = body.points ?? unreversed;
    if (points > unreversed) return refuse(422, 'limit_exceeded', { unreversed });
    this.debit(body.accountId, points, true);
    order.reversed += points;
    return ok(201, { accountId: body.accountId, points, balance: account.balance });
  }

  /** Debt is paid first; the rest tops up the lot of that type and day, or starts one. */
  private credit(account: Account, points: number, type: Lot['type'], expiryDay: string, awardedAt: string): void {
    const debtPaid = Math.min(account.debt, points);
    const toLot = points - debtPaid;
    if (toLot > 0) {
      const lot = account.lots.find((candidate) => candidate.type === type && candidate.expiryDay === expiryDay);
      if (lot) lot.remaining += toLot;
      else account.lots.push({ type, expiryDay, awardedAt, remaining: toLot });
    }
    account.debt -= debtPaid;
    account.balance += points;
  }

  /** Earliest expiry first, then earliest award, then type; expired lots are never touched. */
  private spendOrder(account: Account): Lot[] {
    return [...account.lots]
      .filter((lot) => !this.isExpired(lot))
      .sort((a, b) => a.expiryDay.localeCompare(b.expiryDay) || a.awardedAt.localeCompare(b.awardedAt) || a.type.localeCompare(b.type));
  }

  /**
   * Takes points held holds do not reserve, in spend order; a clawback (allowDebt) then takes
   * reserved points too before making debt.
   */
  private debit(accountId: string, points: number, allowDebt: boolean): void {
    const account = this.accounts.get(accountId)!;
    let outstanding = points;
    for (const lot of this.spendOrder(account)) {
      const take = Math.min(Math.max(0, lot.remaining - this.reservedOf(accountId, lot)), outstanding);
      lot.remaining -= take;
      outstanding -= take;
    }
    if (outstanding > 0 && !allowDebt) throw new Error('reference: a redemption was allowed beyond the available points');
    for (const lot of this.spendOrder(account)) {
      const take = Math.min(lot.remaining, outstanding);
      lot.remaining -= take;
      outstanding -= take;
    }
    account.lots = account.lots.filter((lot) => lot.remaining > 0);
    account.debt += outstanding;
    account.balance -= points;
  }

  private isExpired(lot: Lot): boolean {
    return lot.expiryDay < this.today;
  }

  /** A lot expiring within a day of the run's start could expire mid-run: the generators avoid it. */
  private checkExpiryDay(day: string): string {
    const todayMs = Date.parse(`${this.today}T12:00:00Z`);
    const near = [-1, 0, 1].map((offset) => new Date(todayMs + offset * DAY_MS).toISOString().slice(0, 10));
    if (near.includes(day)) throw new Error(`reference: lot expiry ${day} is too close to the run's day ${this.today}`);
    return day;
  }
}

function trustLevelOf(account: Account): string {
  const { email, phone, enhanced } = account.verification;
  if (!email || !account.profileId) return 'L0';
  if (!phone) return 'L1';
  return enhanced ? 'L3' : 'L2';
}

/** What makes two requests the same: the operation and its input, independent of key order. */
export function fingerprintOf(request: ModelRequest): string {
  return stableJson(request);
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
