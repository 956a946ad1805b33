import fc from 'fast-check';
import type { PartnerClient } from '../support/local-api.ts';
import { type AnswerBook, checkAnswer, checkBalance } from './check-answer.ts';
import { keySpaceOf, type LockKind, type ModelRequest, type ReferenceLedger } from './reference-ledger.ts';
import { campaignArb, purchaseArb, putAccountArb, redeemArb, reversalArb, type Pools } from './request-arbitraries.ts';
import { describeRequest, sendModelRequest, type ModelClients } from './send-request.ts';

/** The reference side of a sequential run, plus every request sent so far (for resends). */
export interface ModelState {
  ledger: ReferenceLedger;
  sent: { key: string; request: ModelRequest }[];
  step: number;
}

/** The service side: a partner client on a fresh tenant and the answers it gave. */
export interface RealSystem {
  client: PartnerClient;
  /** A tenant admin of the same tenant: applies and lifts locks. */
  operator: NonNullable<ModelClients['operator']>;
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
      fc.constantFrom(...pools.accountIds).map((id): ModelCommand => new ReadBalance(id)),
      fc
        .tuple(fc.constantFrom(...pools.accountIds), fc.constantFrom<LockKind>('redemption', 'account', 'transfer'))
        .map(([id, kind]): ModelCommand => new LockAccount(id, kind)),
      fc.nat().map((pick): ModelCommand => new UnlockAccount(pick)),
      fc.nat().map((pick): ModelCommand => new UnlockAccount(pick)),
      fc
        .tuple(fc.nat(), fc.option(fc.nat(), { nil: undefined, freq: 2 }))
        .map(([keyPick, requestPick]): ModelCommand => new Resend(keyPick, requestPick)),
    ],
    { maxCommands, size: 'max' },
  );
}
