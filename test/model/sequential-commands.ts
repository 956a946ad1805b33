import fc from 'fast-check';
import { expect, vi } from 'vitest';
import type { ApiResponse, PartnerClient } from '../support/local-api.ts';
import { type AnswerBook, checkAnswer, checkBalance } from './check-answer.ts';
import { keySpaceOf, type LockKind, type ModelRequest, type ReferenceLedger } from './reference-ledger.ts';
import { campaignArb, purchaseArb, putAccountArb, redeemArb, reversalArb, type Pools } from './request-arbitraries.ts';
import { describeRequest, sendModelRequest, type ModelClients } from './send-request.ts';
import { sweepTenantExpiry } from '../../functions/usecases/expire-lots.ts';
import { DAY_MS } from './calendar.ts';
import { MIN_EFFECTIVE_LEAD_MS } from '../../functions/domain/tenant-config.ts';

/** The reference side of a sequential run, plus every request sent so far (for resends). */
export interface ModelState {
  ledger: ReferenceLedger;
  sent: { key: string; request: ModelRequest }[];
  step: number;
  /** The run has swept expiry once (one sweep a run: it is the slowest command). */
  swept?: boolean;
}

/** The service side: a partner client on a fresh tenant and the answers it gave. */
export interface RealSystem {
  client: PartnerClient;
  /** A tenant admin of the same tenant: applies and lifts locks, and requests adjustments. */
  operator: NonNullable<ModelClients['operator']>;
  /** Two other tenant admins of the tenant: they approve or reject the adjustments `operator` requests. */
  approvers: [PartnerClient['call'], PartnerClient['call']];
  book: AnswerBook;
  keyPrefix: string;
  /** Answers by request kind and outcome, across runs: shows which paths a run exercised. */
  tally: Map<string, number>;
}

type ModelCommand = fc.AsyncCommand<ModelState, RealSystem, false>;

/** Sends one request with a fresh key, or with an earlier key, and compares the answers. */
export async function exchange(model: ModelState, real: RealSystem, key: string, request: ModelRequest, label: string): Promise<void> {
  model.step += 1;
  // Sequential requests are awarded in order: the step number orders same-day lots as the
  // service's award instants do.
  const expected = model.ledger.submit(key, request, String(model.step).padStart(8, '0'));
  const actual = await sendModelRequest({ partner: real.client, operator: real.operator }, key, request);
  const slot = `${keySpaceOf(request)}|${key}`;
  checkAnswer(expected, actual, real.book, slot, `step ${model.step} ${label} [${key}] ${describeRequest(request)}`);
  if (request.kind === 'lock' && expected.kind === 'success') model.ledger.nameLock(request.accountId, actual.body.lockId);
  if (request.kind === 'hold' && expected.kind === 'success') model.ledger.nameHold(actual.body.redemptionId);
  const outcome =
    `${request.kind} ${actual.status}${actual.headers.get('idempotent-replayed') ? ' replay' : ''} ${actual.body?.code ?? ''}`.trim();
  real.tally.set(outcome, (real.tally.get(outcome) ?? 0) + 1);
  model.sent.push({ key, request });
}

class Send implements ModelCommand {
  constructor(readonly request: ModelRequest) {}
  check = () => true;
  run(model: ModelState, real: RealSystem) {
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, this.request, 'send');
  }
  toString = () => `send(${describeRequest(this.request)})`;
}

/**
 * An earlier key again: with its own request it is a retry whose first answer was lost (or a
 * duplicate delivery), with another request it is a key reused by mistake.
 */
class Resend implements ModelCommand {
  constructor(
    readonly keyPick: number,
    readonly requestPick: number | undefined,
  ) {}
  check = (model: Readonly<ModelState>) => model.sent.length > 0;
  run(model: ModelState, real: RealSystem) {
    const original = model.sent[this.keyPick % model.sent.length]!;
    const request = this.requestPick === undefined ? original.request : model.sent[this.requestPick % model.sent.length]!.request;
    return exchange(model, real, original.key, request, this.requestPick === undefined ? 'retry' : 'key reuse');
  }
  toString = () => `resend(key #${this.keyPick}, ${this.requestPick === undefined ? 'same request' : `request #${this.requestPick}`})`;
}

/**
 * A reversal of an order that did earn, on its own account, as partners send refunds: of all
 * that is left, of exactly what is left, of one point more (a refusal), or of some points.
 */
type ReversalSize = 'all' | 'exact' | 'one-over' | number;

class ReverseEarnedOrder implements ModelCommand {
  constructor(
    readonly pick: number,
    readonly size: ReversalSize,
  ) {}
  check = (model: Readonly<ModelState>) => model.ledger.orders.size > 0;
  run(model: ModelState, real: RealSystem) {
    const [orderId, order] = [...model.ledger.orders][this.pick % model.ledger.orders.size]!;
    const left = order.earned - order.reversed;
    const points = this.size === 'all' ? undefined : this.size === 'exact' ? left : this.size === 'one-over' ? left + 1 : this.size;
    const body = { accountId: order.accountId, orderId, ...(points !== undefined && points > 0 ? { points } : {}) };
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, { kind: 'reverse', body }, 'send');
  }
  toString = () => `reverseEarnedOrder(#${this.pick}, ${this.size})`;
}

/**
 * Redeems everything available (in whole cents), as a member cashing out does: it empties
 * lots, so a later refund drives the balance negative and the next earn pays debt down. With
 * `over` it asks for that much more than is available: the refusal sits right at the edge.
 */
class RedeemAvailable implements ModelCommand {
  constructor(
    readonly accountId: string,
    readonly over: number,
  ) {}
  check = () => true;
  run(model: ModelState, real: RealSystem) {
    const available = model.ledger.balanceOf(this.accountId)?.available ?? 0;
    const points = Math.max(5000, available - (available % 10) + this.over);
    const body = { accountId: this.accountId, points, orderId: `cash-out-${model.step + 1}` };
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, { kind: 'redeem', body }, 'send');
  }
  toString = () => `redeemAvailable(${this.accountId}, +${this.over})`;
}

/**
 * A checkout that already redeemed, redeemed again under a new key, as a partner retrying a
 * checkout without its first key does: on its own account or another one, it is 409
 * duplicate_order naming the first (unless the account is missing or locked first).
 */
class RedeemRedeemedOrder implements ModelCommand {
  constructor(
    readonly pick: number,
    readonly accountId: string | undefined,
  ) {}
  check = (model: Readonly<ModelState>) => model.ledger.redemptions.size > 0;
  run(model: ModelState, real: RealSystem) {
    const [orderId, first] = [...model.ledger.redemptions][this.pick % model.ledger.redemptions.size]!;
    const body = { accountId: this.accountId ?? first.accountId, points: first.points, orderId };
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, { kind: 'redeem', body }, 'send');
  }
  toString = () => `redeemRedeemedOrder(#${this.pick}, ${this.accountId ?? 'same account'})`;
}

/** A two-phase checkout's first phase: a hold of some of what is available (or a little more: a refusal at the edge). */
class HoldPoints implements ModelCommand {
  constructor(
    readonly accountId: string,
    readonly share: number,
    readonly checkout: number,
  ) {}
  check = () => true;
  async run(model: ModelState, real: RealSystem) {
    const available = model.ledger.balanceOf(this.accountId)?.available ?? 0;
    const points = Math.max(5000, Math.floor((available * this.share) / 10) * 10);
    const body = { accountId: this.accountId, points, orderId: `hold-${this.checkout}` };
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, { kind: 'hold', body }, 'send');
  }
  toString = () => `hold(${this.accountId}, ${this.share} of available, checkout ${this.checkout})`;
}

/** The second phase, on a hold the service made: commit or release it (a closed one: 409). */
class SettleHold implements ModelCommand {
  constructor(
    readonly pick: number,
    readonly settle: 'commitHold' | 'releaseHold',
  ) {}
  check = (model: Readonly<ModelState>) => model.ledger.holds.some((hold) => hold.redemptionId !== '');
  run(model: ModelState, real: RealSystem) {
    const named = model.ledger.holds.filter((hold) => hold.redemptionId !== '');
    const { redemptionId } = named[this.pick % named.length]!;
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, { kind: this.settle, redemptionId }, 'send');
  }
  toString = () => `${this.settle}(#${this.pick})`;
}

/**
 * The expiry sweep as of a later day (the service's sweep takes an instant for this): every lot
 * whose day is over by then is written off by its EXPIRE entry (promotions live 30 to 90 days).
 * Its cost grows with the days it looks through (16 index queries a day), so it looks weeks,
 * not years, ahead; running it twice is proven in test/integration/expiry-sweep.test.ts.
 */
class SweepExpiry implements ModelCommand {
  constructor(readonly daysAhead: number) {}
  // Once a run: it looks through weeks of index days.
  check = (model: Readonly<ModelState>) => !model.swept;
  async run(model: ModelState, real: RealSystem) {
    model.step += 1;
    const where = `step ${model.step} sweep +${this.daysAhead} days`;
    // Local noon of that day: lots of earlier days are over, that day's are not.
    const asOfDay = new Date(Date.parse(`${model.ledger.today}T12:00:00Z`) + this.daysAhead * DAY_MS).toISOString().slice(0, 10);
    const asOf = new Date(Date.parse(`${asOfDay}T12:00:00Z`) + 5 * 3_600_000).toISOString();
    model.swept = true;
    const expected = model.ledger.sweep(asOfDay);
    const report = await sweepTenantExpiry({ tenantId: real.operator.tenantId, asOf, runId: `model-${model.step}` });
    expect({ lots: report.lotsExpired, points: report.pointsExpired, complete: report.complete }, where).toEqual({
      lots: expected.lotsExpired,
      points: expected.pointsExpired,
      complete: true,
    });
    count(real, `sweep ${expected.lotsExpired > 0 ? 'expired lots' : 'nothing due'}`);
  }
  toString = () => `sweep(+${this.daysAhead} days)`;
}

/** How far the run's clock jumps after a configuration change: past its start, and past every open hold's end (900 s). */
export const CONFIG_JUMP_MS = 16 * 60_000;

/**
 * A tenant admin changes the earn rate (PUT .../config) from the soonest instant allowed; then
 * the run's clock (the service's too: it runs in this process) jumps past that instant, so
 * purchases may be dated on either side of it (PurchaseAtVersionEdge). Open holds pass their
 * end in the jump and expire by themselves. At most two a run, so operator tokens stay valid.
 */
class ChangeEarnRate implements ModelCommand {
  constructor(readonly purchasePointsPerUsd: number) {}
  check = (model: Readonly<ModelState>) => model.ledger.rateVersions.length < 3;
  async run(model: ModelState, real: RealSystem) {
    model.step += 1;
    const where = `step ${model.step} config: ${this.purchasePointsPerUsd} points per USD`;
    const effectiveFrom = new Date(Date.now() + MIN_EFFECTIVE_LEAD_MS + 2000).toISOString();
    const answer = await real.operator.call(
      'PUT',
      `/api/v1/admin/tenants/${real.operator.tenantId}/config`,
      { effectiveFrom, earning: { purchasePointsPerUsd: this.purchasePointsPerUsd } },
      { 'idempotency-key': `${real.keyPrefix}-config-${model.step}` },
    );
    const version = model.ledger.addRateVersion(effectiveFrom, this.purchasePointsPerUsd);
    expect({ status: answer.status, created: answer.body?.created }, where).toMatchObject({
      status: 201,
      created: { version, effectiveFrom, earning: { purchasePointsPerUsd: this.purchasePointsPerUsd } },
    });
    count(real, 'config version');
    vi.setSystemTime(Date.now() + CONFIG_JUMP_MS);
    model.ledger.expireHolds();
  }
  toString = () => `changeEarnRate(${this.purchasePointsPerUsd})`;
}

/** A purchase dated at the latest version's start: it earns at that version's rate and names it; one a millisecond before earns the previous. */
class PurchaseAtVersionEdge implements ModelCommand {
  constructor(
    readonly accountId: string,
    readonly subtotalCents: number,
    readonly side: 'before' | 'after',
  ) {}
  check = (model: Readonly<ModelState>) => model.ledger.rateVersions.length > 1;
  run(model: ModelState, real: RealSystem) {
    const latest = model.ledger.rateVersions.at(-1)!.effectiveFrom;
    const occurredAt = new Date(latest + (this.side === 'after' ? 0 : -1)).toISOString();
    const body = {
      accountId: this.accountId,
      source: { type: 'purchase' as const, orderId: `edge-${model.step + 1}`, subtotalCents: this.subtotalCents },
      occurredAt,
    };
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, { kind: 'earn', body }, 'send');
  }
  toString = () => `purchaseAtVersionEdge(${this.accountId}, ${this.subtotalCents}, ${this.side})`;
}

/** An operator locks an account; redeems (and, for an account lock, earns and profile changes) are refused until it is lifted. */
class LockAccount implements ModelCommand {
  constructor(
    readonly accountId: string,
    readonly kind: LockKind,
  ) {}
  check = () => true;
  run(model: ModelState, real: RealSystem) {
    const request: ModelRequest = { kind: 'lock', accountId: this.accountId, body: { kind: this.kind, reasonCode: 'other' } };
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, request, 'send');
  }
  toString = () => `lock(${this.accountId}, ${this.kind})`;
}

/** Lifts a lock the service gave: an active one, or one already lifted (404). */
class UnlockAccount implements ModelCommand {
  constructor(readonly pick: number) {}
  check = (model: Readonly<ModelState>) => model.ledger.lockIds.length > 0;
  run(model: ModelState, real: RealSystem) {
    const { accountId, lockId } = model.ledger.lockIds[this.pick % model.ledger.lockIds.length]!;
    const request: ModelRequest = { kind: 'unlock', accountId, lockId, body: { reasonCode: 'resolved' } };
    return exchange(model, real, `${real.keyPrefix}-${model.step + 1}`, request, 'send');
  }
  toString = () => `unlock(#${this.pick})`;
}

/**
 * An adjustment as operators make one: a tenant admin requests it (POST .../adjustments), the
 * tenant admins it needs besides the requester (one up to 100 points, two above) approve it,
 * and the Approval workflow applies it in the background; the run waits for the request to
 * read `applied` (polling, no sleep), then the reference applies it at the service's
 * `appliedAt`. Rejected (after one approval when two are needed), it changes nothing. With
 * `clawback`, a debit of everything available and `clawback` points more (at most 200 points):
 * the rest becomes debt.
 */
class Adjust implements ModelCommand {
  constructor(
    readonly accountId: string,
    readonly points: number,
    readonly decision: 'approve' | 'reject',
    readonly clawback?: number,
  ) {}
  check = () => true;
  async run(model: ModelState, real: RealSystem) {
    model.step += 1;
    const available = model.ledger.balanceOf(this.accountId)?.available ?? 0;
    const points = this.clawback === undefined ? this.points : -Math.min(200, available + this.clawback);
    const where = `step ${model.step} adjust ${this.accountId} ${points} (${this.decision})`;
    const base = `/api/v1/admin/tenants/${real.operator.tenantId}`;
    const key = `${real.keyPrefix}-adjust-${model.step}`;
    const body = {
      accountId: this.accountId,
      points,
      reasonCode: points > 0 ? 'goodwill' : 'fraud_recovery',
      ticket: `SUP-${model.step}`,
      note: 'model',
    };
    const expected = model.ledger.requestAdjustment(this.accountId, points);
    const requested = await real.operator.call('POST', `${base}/adjustments`, body, { 'idempotency-key': key });
    checkAnswer(expected, requested, real.book, `operator|${key}`, where);
    count(real, `adjust ${requested.status} ${requested.body?.code ?? ''}`.trim());
    if (expected.kind !== 'success') return;

    const { approvalId } = requested.body as { approvalId: string };
    const needed = (requested.body.required as { tenant_admin: number }).tenant_admin;
    const decide = (by: number, decision: 'approve' | 'reject') =>
      real.approvers[by]!(
        'POST',
        `${base}/approvals/${approvalId}/${decision}`,
        decision === 'approve' ? {} : { reasonCode: 'not_justified' },
      );
    for (let by = 0; by < needed - 1; by += 1) {
      const approved = await decide(by, 'approve');
      expect({ status: approved.status, approval: approved.body?.status }, where).toEqual({ status: 200, approval: 'pending' });
    }
    const show = () => real.operator.call('GET', `${base}/approvals/${approvalId}`);
    if (this.decision === 'reject') {
      const rejected = await decide(needed - 1, 'reject');
      expect({ status: rejected.status, approval: rejected.body?.status }, where).toEqual({ status: 200, approval: 'rejected' });
      expect((await show()).body.status, where).toBe('rejected');
      count(real, 'adjust rejected');
    } else {
      const startedAt = Date.now();
      const approved = await decide(needed - 1, 'approve');
      expect(approved.status, where).toBe(200);
      expect(['approved', 'applied'], where).toContain(approved.body?.status);
      const settled = await vi.waitFor(
        async (): Promise<ApiResponse> => {
          const response = await show();
          if (response.body?.status === 'approved') throw new Error(`${where}: still being applied`);
          return response;
        },
        { timeout: 15_000, interval: 10 },
      );
      expect(settled.body.status, where).toBe('applied');
      const { transactionId, appliedAt } = settled.body.outcome as { transactionId: string; appliedAt: string };
      expect(Date.parse(appliedAt), `${where}: appliedAt`).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(Date.parse(appliedAt), `${where}: appliedAt`).toBeLessThanOrEqual(Date.now() + 1000);
      expect(real.book.transactionIds.has(transactionId), `${where}: transactionId reused`).toBe(false);
      real.book.transactionIds.add(transactionId);
      const debtBefore = model.ledger.balanceOf(this.accountId)!.debt;
      model.ledger.applyAdjustment(this.accountId, points, appliedAt, String(model.step).padStart(8, '0'));
      const debtAfter = model.ledger.balanceOf(this.accountId)!.debt;
      count(real, `adjust applied ${points > 0 ? 'credit' : debtAfter > debtBefore ? 'debit into debt' : 'debit'}`);
    }
    checkBalance(model.ledger.balanceOf(this.accountId), await real.client.balance(this.accountId), `${where}: balance after`);
  }
  toString = () =>
    `adjust(${this.accountId}, ${this.clawback === undefined ? this.points : `clawback +${this.clawback}`}, ${this.decision})`;
}

const count = (real: RealSystem, outcome: string) => real.tally.set(outcome, (real.tally.get(outcome) ?? 0) + 1);

class ReadBalance implements ModelCommand {
  constructor(readonly accountId: string) {}
  check = () => true;
  async run(model: ModelState, real: RealSystem) {
    model.step += 1;
    checkBalance(
      model.ledger.balanceOf(this.accountId),
      await real.client.balance(this.accountId),
      `step ${model.step} balance ${this.accountId}`,
    );
  }
  toString = () => `balance(${this.accountId})`;
}

export function sequentialCommands(pools: Pools, maxCommands: number) {
  const send = (arb: fc.Arbitrary<ModelRequest>) => arb.map((request): ModelCommand => new Send(request));
  const reversalSize = fc.oneof(fc.constantFrom<ReversalSize>('all', 'exact', 'one-over'), fc.integer({ min: 1, max: 2000 }));
  const reverseEarned = fc.tuple(fc.nat(), reversalSize).map(([pick, size]): ModelCommand => new ReverseEarnedOrder(pick, size));
  return fc.commands<ModelState, RealSystem, false>(
    [
      send(putAccountArb(pools)),
      send(purchaseArb(pools)),
      send(purchaseArb(pools)),
      send(campaignArb(pools)),
      send(campaignArb(pools)),
      send(redeemArb(pools)),
      send(redeemArb(pools)),
      send(reversalArb(pools)),
      reverseEarned,
      reverseEarned,
      fc
        .tuple(fc.constantFrom(...pools.accountIds), fc.constantFrom(0, 0, 10, 100))
        .map(([id, over]): ModelCommand => new RedeemAvailable(id, over)),
      fc
        .tuple(fc.nat(), fc.option(fc.constantFrom(...pools.accountIds), { nil: undefined }))
        .map(([pick, accountId]): ModelCommand => new RedeemRedeemedOrder(pick, accountId)),
      fc.constantFrom(...pools.accountIds).map((id): ModelCommand => new ReadBalance(id)),
      fc
        .tuple(fc.constantFrom(...pools.accountIds), fc.constantFrom(0.2, 0.5, 1, 1.01), fc.nat({ max: 5 }))
        .map(([id, share, checkout]): ModelCommand => new HoldPoints(id, share, checkout)),
      fc
        .tuple(fc.constantFrom(...pools.accountIds), fc.constantFrom(0.3, 1), fc.nat({ max: 5 }))
        .map(([id, share, checkout]): ModelCommand => new HoldPoints(id, share, checkout)),
      fc
        .tuple(fc.nat(), fc.constantFrom<'commitHold' | 'releaseHold'>('commitHold', 'commitHold', 'releaseHold'))
        .map(([pick, settle]): ModelCommand => new SettleHold(pick, settle)),
      fc
        .tuple(fc.nat(), fc.constantFrom<'commitHold' | 'releaseHold'>('commitHold', 'releaseHold'))
        .map(([pick, settle]): ModelCommand => new SettleHold(pick, settle)),
      fc.constantFrom(35, 70).map((days): ModelCommand => new SweepExpiry(days)),
      fc.integer({ min: 1, max: 40 }).map((rate): ModelCommand => new ChangeEarnRate(rate)),
      fc
        .tuple(
          fc.constantFrom(...pools.accountIds),
          fc.integer({ min: 100, max: 150_000 }),
          fc.constantFrom<'before' | 'after'>('before', 'after'),
        )
        .map(([id, subtotal, side]): ModelCommand => new PurchaseAtVersionEdge(id, subtotal, side)),
      fc
        .tuple(fc.constantFrom(...pools.accountIds), fc.constantFrom<LockKind>('redemption', 'account', 'transfer'))
        .map(([id, kind]): ModelCommand => new LockAccount(id, kind)),
      fc.nat().map((pick): ModelCommand => new UnlockAccount(pick)),
      fc.nat().map((pick): ModelCommand => new UnlockAccount(pick)),
      fc
        .record({
          accountId: fc.constantFrom(...pools.accountIds),
          points: fc.integer({ min: -200, max: 200 }).filter((points) => points !== 0),
          decision: fc.constantFrom<'approve' | 'reject'>('approve', 'approve', 'approve', 'reject'),
          clawback: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, fc.integer({ min: 1, max: 100 })),
        })
        .map(({ accountId, points, decision, clawback }): ModelCommand => new Adjust(accountId, points, decision, clawback)),
      fc
        .tuple(fc.nat(), fc.option(fc.nat(), { nil: undefined, freq: 2 }))
        .map(([keyPick, requestPick]): ModelCommand => new Resend(keyPick, requestPick)),
    ],
    { maxCommands, size: 'max' },
  );
}
