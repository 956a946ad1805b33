import { beforeAll, describe, expect, it } from 'vitest';
import { commandsDuring } from '../support/commands-during.ts';
import type { DecisionState } from '../../functions/store/load-decision-state.ts';
import type { Decision } from '../../functions/domain/plan.ts';
import type { RequestContext } from '../../functions/domain/types.ts';
import type { CommandIdentity } from '../../functions/usecases/command-outcome.ts';
import { useTestTable } from '../support/test-table.ts';
import { beforeTransactionNaming } from '../support/stage-before-transaction.ts';

/**
 * Hot accounts (issue 10, goal 4), on DynamoDB Local: the turn queue as the store keeps it, and
 * the command runner using it. Races are staged at a precise point of a request by a test
 * middleware on the shared client (before a given transaction), never by waiting; instants
 * given to the queue are plain numbers, so nothing depends on the clock.
 */

let runner: typeof import('../../functions/usecases/run-idempotent-command.ts');
let queue: typeof import('../../functions/store/turn-queue.ts');
let client: ReturnType<typeof import('../../functions/store/client.ts')['getDocumentClient']>;
let accounts: typeof import('../../functions/store/accounts.ts');
let audit: typeof import('../support/table-audit.ts');
let domain: {
  upsert: typeof import('../../functions/domain/decisions/account-upsert.ts');
  earn: typeof import('../../functions/domain/decisions/earn.ts');
  config: typeof import('../../functions/domain/tenant-config.ts');
};

const tenantId = 'turns-t';

beforeAll(async () => {
  await useTestTable();
  runner = await import('../../functions/usecases/run-idempotent-command.ts');
  queue = await import('../../functions/store/turn-queue.ts');
  client = (await import('../../functions/store/client.ts')).getDocumentClient();
  accounts = await import('../../functions/store/accounts.ts');
  audit = await import('../support/table-audit.ts');
  domain = {
    upsert: await import('../../functions/domain/decisions/account-upsert.ts'),
    earn: await import('../../functions/domain/decisions/earn.ts'),
    config: await import('../../functions/domain/tenant-config.ts'),
  };
  for (const accountId of ['hot', 'cut']) {
    await run(`open-${accountId}`, accountId, (state, ctx) =>
      domain.upsert.decideAccountUpsert(
        state.account,
        { accountId, profile: { profileId: `p-${accountId}`, role: 'CONSUMER' } },
        config(),
        ctx,
      ),
    );
    await run(`fund-${accountId}`, accountId, earnBonus(accountId, 1000));
  }
});

const config = () => domain.config.defaultTenantConfig(tenantId, 'Turns', '1970-01-01T00:00:00.000Z');

type Decide = (state: DecisionState, ctx: RequestContext) => Decision;

function run(key: string, accountId: string, decide: Decide, extra: Partial<CommandIdentity> = {}) {
  return runner.runIdempotentCommand({
    tenantId,
    idempotency: { namespace: 'system', key },
    operationId: 'testCommand',
    actor: { kind: 'system', id: 'turns-test' },
    requestId: `job-${key}`,
    hashInput: { params: { key }, body: null },
    accountIds: [accountId],
    decide,
    ...extra,
  });
}

const earnBonus =
  (accountId: string, points: number): Decide =>
  (state, ctx) =>
    domain.earn.decideEarn(state.account, undefined, { accountId, source: { type: 'bonus', campaignId: 'c', points } }, config(), ctx);

const balanceOf = async (accountId: string) => (await accounts.getAccount(tenantId, accountId))?.wallets.points.balance;

describe('the turn queue (store)', () => {
  it('an idle queue starts a turn now; a busy one appends it; one reserved past the latest start reserves nothing and books a return', async () => {
    const reserve = (now: number, latestStart: number) => queue.reserveTurn(tenantId, 'queue-only', { now, latestStart, firstTurnMs: 100 });
    expect(await reserve(1000, 9000)).toEqual({ kind: 'turn', startsAt: 1000, turnMs: 100 });
    expect(await reserve(1010, 9000)).toEqual({ kind: 'turn', startsAt: 1100, turnMs: 100 });
    expect(await reserve(1020, 9000)).toEqual({ kind: 'turn', startsAt: 1200, turnMs: 100 });
    // Reserved until 1300: a caller that must start by 1250 gets no turn, and the queue is unchanged.
    expect(await reserve(1030, 1250)).toEqual({ kind: 'full', freeAt: 1300 });
    // Refused callers get appointments to come back, from where the turns end, one turn apart.
    expect(await queue.bookReturn(tenantId, 'queue-only', 0)).toBe(1300);
    expect(await queue.bookReturn(tenantId, 'queue-only', 0)).toBe(1400);
    expect(await reserve(1040, 1300)).toEqual({ kind: 'turn', startsAt: 1300, turnMs: 100 });
    expect(await queue.bookReturn(tenantId, 'queue-only', 0)).toBe(1500);
    // Long after, the queue is idle again; a measured turn length applies to the next turns.
    await queue.setTurnLength(tenantId, 'queue-only', 40);
    expect(await reserve(5000, 9000)).toEqual({ kind: 'turn', startsAt: 5000, turnMs: 40 });
    expect(await reserve(5001, 9000)).toEqual({ kind: 'turn', startsAt: 5040, turnMs: 40 });
  });
});

describe('the command runner on a hot account', () => {
  it('a request that lost the race takes a turn, and commits once in it', async () => {
    let rounds = 0;
    const decide: Decide = (state, ctx) => {
      const plan = earnBonus('hot', 10)(state, ctx);
      rounds += 1;
      return plan;
    };
    // Just before the request's first commit, another request commits on the same account.
    const staging = beforeTransactionNaming(client, 'loser', () => run('winner', 'hot', earnBonus('hot', 5)));
    const { result: outcome, commands } = await commandsDuring(client, () => run('loser', 'hot', decide).finally(staging.remove));
    expect(staging.fired()).toBe(true);
    expect(outcome.kind).toBe('committed');
    expect(rounds).toBe(2);
    // The reservation comes between the cancelled transaction and the one decided again.
    const transactions = commands.flatMap((c, i) => (c === 'TransactWriteItemsCommand' ? [i] : []));
    expect(commands.filter((c) => c === 'TransactWriteItemsCommand')).toHaveLength(3); // the loser's two, the winner's one
    expect(commands.slice(transactions[1]! + 1, transactions[2]).includes('UpdateItemCommand')).toBe(true);
    expect(await balanceOf('hot')).toBe(1015);
    expect((await audit.auditTenant(tenantId)).violations).toEqual([]);
  });

  it('a newcomer that reads turns reserved on the account queues behind them before it sends its one transaction', async () => {
    // Another request holds the account's turn for the next second and a half.
    await queue.setTurnLength(tenantId, 'hot', 1500);
    const now = Date.now();
    expect(await queue.reserveTurn(tenantId, 'hot', { now, latestStart: now + 1000, firstTurnMs: 100 })).toMatchObject({ kind: 'turn' });
    const { result: outcome, commands } = await commandsDuring(client, () => run('newcomer', 'hot', earnBonus('hot', 7)));
    expect(outcome.kind).toBe('committed');
    const transaction = commands.indexOf('TransactWriteItemsCommand');
    expect(commands.filter((c) => c === 'TransactWriteItemsCommand')).toHaveLength(1);
    expect(commands.slice(0, transaction)).toContain('UpdateItemCommand');
    expect(await balanceOf('hot')).toBe(1022);
  });

  it('when the turns are reserved beyond its deadline, a request answers contended with Retry-After at once and writes nothing', async () => {
    // Thirty requests hold the account's turns of half a second each: fifteen seconds ahead.
    await queue.setTurnLength(tenantId, 'hot', 500);
    for (let i = 0; i < 30; i += 1) {
      const now = Date.now();
      expect(await queue.reserveTurn(tenantId, 'hot', { now, latestStart: now + 60_000, firstTurnMs: 100 })).toMatchObject({
        kind: 'turn',
      });
    }
    let decided = false;
    const outcome = await run(
      'too-late',
      'hot',
      (state, ctx) => {
        decided = true;
        return earnBonus('hot', 3)(state, ctx);
      },
      { remainingMs: () => 10_000 },
    );
    expect(outcome).toMatchObject({ kind: 'contended' });
    expect((outcome as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(decided).toBe(false);
    expect(await balanceOf('hot')).toBe(1022);
    const snapshot = await audit.snapshotTenant(tenantId);
    expect(snapshot.idempotency.some((record) => record.idempotencyKey === 'too-late')).toBe(false);
  });
});

describe('the deadline cutoff', () => {
  it('answers cut_off before the deadline while the database still has not answered, and a retry with the key gets the one outcome', async () => {
    // The request's transaction is held before it is sent until the runner has answered.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const name = 'hold-transaction';
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (String(context.commandName).startsWith('TransactWrite') && JSON.stringify(args.input).includes('held-key')) await held;
        return next(args);
      },
      { step: 'initialize', name },
    );
    const deadline = Date.now() + 2500;
    let outcome: Awaited<ReturnType<typeof run>>;
    try {
      outcome = await run('held-key', 'cut', earnBonus('cut', 40), { remainingMs: () => deadline - Date.now() });
    } finally {
      release();
      client.middlewareStack.remove(name);
    }
    expect(outcome).toEqual({ kind: 'cut_off' });
    // Retried with its key (with time to spare), the request has exactly one outcome.
    const retried = await run('held-key', 'cut', earnBonus('cut', 40));
    expect(['committed', 'replayed']).toContain(retried.kind);
    expect(await balanceOf('cut')).toBe(1040);
    const entries = (await audit.snapshotTenant(tenantId)).entries.get('cut') ?? [];
    expect(entries.filter((entry) => entry.idempotencyKey === 'held-key')).toHaveLength(1);
    expect((await audit.auditTenant(tenantId)).violations).toEqual([]);
  });
});
