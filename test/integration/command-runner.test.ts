import { beforeAll, describe, expect, it } from 'vitest';
import { commandsDuring } from '../support/commands-during.ts';
import type { DecisionState } from '../../functions/store/load-decision-state.ts';
import type { Decision } from '../../functions/domain/plan.ts';
import type { RequestContext } from '../../functions/domain/types.ts';
import type { CommandIdentity } from '../../functions/usecases/command-outcome.ts';
import { useTestTable } from '../support/test-table.ts';
import { beforeTransactionNaming } from '../support/stage-before-transaction.ts';

/**
 * The command runner called as a workflow task or a job would call it: no HTTP anywhere, on
 * DynamoDB Local. Stale states are staged by a test middleware on the shared client that acts
 * at a precise point of the request (before a given transaction, on a given read), never by
 * waiting.
 */

// Modules that read the environment on load are imported once the test table exists.
let runner: typeof import('../../functions/usecases/run-idempotent-command.ts');
let client: ReturnType<typeof import('../../functions/store/client.ts')['getDocumentClient']>;
let domain: {
  plan: typeof import('../../functions/domain/plan.ts');
  lots: typeof import('../../functions/domain/lots.ts');
  ledger: typeof import('../../functions/domain/ledger.ts');
  result: typeof import('../../functions/domain/result.ts');
  upsert: typeof import('../../functions/domain/decisions/account-upsert.ts');
  earn: typeof import('../../functions/domain/decisions/earn.ts');
  redeem: typeof import('../../functions/domain/decisions/redeem.ts');
  config: typeof import('../../functions/domain/tenant-config.ts');
};
let audit: typeof import('../support/table-audit.ts');

const tenantId = 'runner-t';

beforeAll(async () => {
  await useTestTable();
  runner = await import('../../functions/usecases/run-idempotent-command.ts');
  client = (await import('../../functions/store/client.ts')).getDocumentClient();
  domain = {
    plan: await import('../../functions/domain/plan.ts'),
    lots: await import('../../functions/domain/lots.ts'),
    ledger: await import('../../functions/domain/ledger.ts'),
    result: await import('../../functions/domain/result.ts'),
    upsert: await import('../../functions/domain/decisions/account-upsert.ts'),
    earn: await import('../../functions/domain/decisions/earn.ts'),
    redeem: await import('../../functions/domain/decisions/redeem.ts'),
    config: await import('../../functions/domain/tenant-config.ts'),
  };
  audit = await import('../support/table-audit.ts');
  for (const accountId of ['a', 'b', 'c', 'd', 'e', 'f', 't']) {
    await run(`open-${accountId}`, [accountId], (state, ctx) =>
      domain.upsert.decideAccountUpsert(
        state.account,
        { accountId, profile: { profileId: `p-${accountId}`, role: 'CONSUMER' } },
        config(),
        ctx,
      ),
    );
    await run(`fund-${accountId}`, [accountId], earnBonus(accountId, 1000));
  }
});

const config = () => domain.config.defaultTenantConfig(tenantId, 'Runner', '1970-01-01T00:00:00.000Z');

function identity(key: string, extra: Partial<CommandIdentity> = {}): CommandIdentity {
  return {
    tenantId,
    idempotency: { namespace: 'system', key },
    operationId: 'testCommand',
    actor: { kind: 'system', id: 'runner-test' },
    requestId: `job-${key}`,
    hashInput: { params: { key }, body: null },
    ...extra,
  };
}

type Decide = (state: DecisionState, ctx: RequestContext) => Decision;

function run(key: string, accountIds: [string] | [string, string], decide: Decide, extra: Partial<CommandIdentity> = {}) {
  return runner.runIdempotentCommand({ ...identity(key, extra), accountIds, decide });
}

const earnBonus =
  (accountId: string, points: number): Decide =>
  (state, ctx) =>
    domain.earn.decideEarn(state.account, undefined, { accountId, source: { type: 'bonus', campaignId: 'c', points } }, config(), ctx);

/** A test-only two-account decision: moves points from one account to the other, lots keeping their expiry. */
const move =
  (from: string, to: string, points: number): Decide =>
  (state, ctx) => {
    const source = state.accounts[from];
    const target = state.accounts[to];
    if (!source || !target) return domain.result.refuse('account_not_found', 'missing account');
    if (domain.lots.availablePoints(source.wallets.points, ctx.now) < points) return domain.result.refuse('insufficient_points', 'short');
    const debit = domain.lots.debitWallet(source.wallets.points, points, ctx.now, false);
    const out = domain.ledger.appendEntry(
      debit.wallet,
      source.wallets.points,
      { accountId: from, wallet: 'points', type: 'ADJUSTMENT', amount: -points, lots: debit.consumed, reasonCode: 'test_move' },
      ctx,
    );
    let wallet = target.wallets.points;
    const moved = [];
    for (const lot of debit.consumed) {
      const credit = domain.lots.creditWallet(wallet, { points: lot.points, type: lot.type, expiresAt: lot.expiresAt, awardedAt: ctx.now });
      wallet = credit.wallet;
      if (credit.movement) moved.push(credit.movement);
    }
    const into = domain.ledger.appendEntry(
      wallet,
      target.wallets.points,
      { accountId: to, wallet: 'points', type: 'ADJUSTMENT', amount: points, lots: moved, reasonCode: 'test_move' },
      ctx,
    );
    return {
      ok: true,
      accounts: [domain.plan.pointsWalletUpdate(source, out.wallet, ctx.now), domain.plan.pointsWalletUpdate(target, into.wallet, ctx.now)],
      entries: [out.entry, into.entry],
      result: { effect: 'created', body: { transactionId: ctx.transactionId, points } },
    };
  };

async function balances(...ids: string[]) {
  const snapshot = await audit.snapshotTenant(tenantId);
  return Object.fromEntries(ids.map((id) => [id, snapshot.accounts.find((a) => a.accountId === id)?.wallets.points.balance]));
}

/**
 * Stages exactly one torn read: the next BatchGetItem answers with the order and the account
 * but without the idempotency record written in the same transaction (BatchGetItem is not
 * transactional). Counts the BatchGetItems until removed.
 */
function tearNextBatchGet() {
  const name = `tear-next-batch-get-${Math.random()}`;
  let reads = 0;
  let torn = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName !== 'BatchGetItemCommand') return result;
      const output = result.output as { Responses?: Record<string, Record<string, unknown>[]> };
      reads += 1;
      if (!torn) {
        torn = true;
        for (const [table, items] of Object.entries(output.Responses ?? {})) {
          output.Responses![table] = items.filter((item) => {
            const entity = item.entity as unknown;
            return entity !== 'IDEMPOTENCY' && (entity as { S?: string } | undefined)?.S !== 'IDEMPOTENCY';
          });
        }
      }
      return result;
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return { reads: () => reads, torn: () => torn, remove: () => void client.middlewareStack.remove(name) };
}

describe('two accounts in one decision', () => {
  it('a decision over A and B made stale by a write to B is refused whole, decided again, and committed once', async () => {
    let rounds = 0;
    const decide: Decide = (state, ctx) => {
      // Counted once the decision is made: a decision asking for lot pages throws before it.
      const plan = move('a', 'b', 300)(state, ctx);
      rounds += 1;
      return plan;
    };
    // Just before the move's first commit, another command credits B: B's version moves.
    const staging = beforeTransactionNaming(client, 'move-a-b', () => run('bump-b', ['b'], earnBonus('b', 50)));
    const outcome = await run('move-a-b', ['a', 'b'], decide).finally(staging.remove);
    expect(staging.fired()).toBe(true);
    expect(outcome.kind).toBe('committed');
    expect(rounds).toBe(2);
    expect(await balances('a', 'b')).toEqual({ a: 700, b: 1350 });
    expect((await audit.auditTenant(tenantId)).violations).toEqual([]);
  });

  it('a decision whose second account is always stale commits neither account, and stops at the deadline', async () => {
    const before = await audit.snapshotTenant(tenantId);
    const stale: Decide = (state, ctx) => {
      const plan = move('c', 'd', 200)(state, ctx);
      if (!plan.ok) return plan;
      // B's guard names a version B no longer has: the database must refuse the whole plan.
      return {
        ...plan,
        accounts: plan.accounts.map((w) => (w.next.accountId === 'd' ? { ...w, expectedVersion: (w.expectedVersion ?? 0) - 1 } : w)),
      };
    };
    // Plenty of time for the first round; too little for a second.
    const clock = [60_000, 1000];
    const outcome = await run('stale-c-d', ['c', 'd'], stale, { remainingMs: () => clock.shift() ?? 0 });
    expect(outcome).toEqual({ kind: 'out_of_time' });
    const after = await audit.snapshotTenant(tenantId);
    for (const id of ['c', 'd']) {
      expect(after.accounts.find((a) => a.accountId === id)).toEqual(before.accounts.find((a) => a.accountId === id));
      expect(after.entries.get(id)).toEqual(before.entries.get(id));
    }
    expect(after.idempotency.some((record) => record.idempotencyKey === 'stale-c-d')).toBe(false);
  });

  it('reads both accounts in one round (one BatchGetItem, the earliest lot pages of each by a Query beside it) and commits both in one TransactWriteItems', async () => {
    const { result: outcome, commands } = await commandsDuring(client, () => run('move-c-d', ['c', 'd'], move('c', 'd', 100)));
    expect(outcome.kind).toBe('committed');
    // The credit lands in the months the debit took from, which the target's Query read too.
    expect(commands.slice(0, -1).sort()).toEqual(['BatchGetItemCommand', 'QueryCommand', 'QueryCommand']);
    expect(commands.at(-1)).toBe('TransactWriteItemsCommand');
    expect(await balances('c', 'd')).toEqual({ c: 900, d: 1100 });
  });

  it('opposite moves between the same two accounts all settle, and the sum is kept', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0 ? run(`e-to-f-${i}`, ['e', 'f'], move('e', 'f', 10)) : run(`f-to-e-${i}`, ['f', 'e'], move('f', 'e', 25)),
      ),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(Array(12).fill('committed'));
    expect(await balances('e', 'f')).toEqual({ e: 1000 - 60 + 150, f: 1000 + 60 - 150 });
    expect((await audit.auditTenant(tenantId)).violations).toEqual([]);
  });
});

describe('deadline', () => {
  it('with too little time left the runner decides nothing and writes nothing', async () => {
    let decided = false;
    const outcome = await run(
      'late',
      ['t'],
      (state, ctx) => {
        decided = true;
        return earnBonus('t', 5)(state, ctx);
      },
      { remainingMs: () => 1000 },
    );
    expect(outcome).toEqual({ kind: 'out_of_time' });
    expect(decided).toBe(false);
    expect(await balances('t')).toEqual({ t: 1000 });
  });
});

describe('a torn read of an earn committed under the same key', () => {
  it('sees the order but not the idempotency record, reads again and replays instead of refusing duplicate_order', async () => {
    const earn = (state: DecisionState, ctx: RequestContext) =>
      domain.earn.decideEarn(
        state.account,
        state.order,
        { accountId: 't', source: { type: 'purchase', orderId: 'torn-1', subtotalCents: 1000 } },
        config(),
        ctx,
      );
    const purchase = () =>
      runner.runIdempotentCommand({
        ...identity('torn-key'),
        accountIds: ['t'],
        order: { sourceType: 'purchase', orderId: 'torn-1' },
        decide: earn,
      });
    const first = await purchase();
    expect(first.kind).toBe('committed');

    const tear = tearNextBatchGet();
    const again = await purchase().finally(tear.remove);
    expect(tear.torn()).toBe(true);
    expect(tear.reads()).toBe(2);
    expect(again).toEqual({ kind: 'replayed', result: (first as { result: unknown }).result });

    // Under another key the same order is still a duplicate.
    const other = await runner.runIdempotentCommand({
      ...identity('torn-other'),
      accountIds: ['t'],
      order: { sourceType: 'purchase', orderId: 'torn-1' },
      decide: earn,
    });
    expect(other).toMatchObject({ kind: 'refused', refusal: { code: 'duplicate_order' } });
  });

  it('a second read that finds the same key committed meanwhile (another delivery) replays it, never refuses its order as a duplicate', async () => {
    await run('open-dup', ['dup'], (state, ctx) =>
      domain.upsert.decideAccountUpsert(
        state.account,
        { accountId: 'dup', profile: { profileId: 'p-dup', role: 'CONSUMER' } },
        config(),
        ctx,
      ),
    );
    const order = { sourceType: 'purchase' as const, orderId: 'dup-1' };
    const purchase: Decide = (state, ctx) =>
      domain.earn.decideEarn(
        state.account,
        state.order,
        { accountId: 'dup', source: { type: 'purchase', ...order, subtotalCents: 1000 } },
        config(),
        ctx,
      );
    let asked = false;
    // The first decision asks for one more lot page, so the runner reads a second time.
    const asksForAPage: Decide = (state, ctx) => {
      if (asked) return purchase(state, ctx);
      asked = true;
      throw new domain.lots.PagesNeeded(state.account?.wallets.points.partition, ['2099-01']);
    };
    const command = (decide: Decide) => runner.runIdempotentCommand({ ...identity('dup-delivery'), accountIds: ['dup'], order, decide });
    // Just before that second read, the other delivery of the same request commits.
    let batchGets = 0;
    let staged: Awaited<ReturnType<typeof command>> | undefined;
    const name = `stage-second-read-${Math.random()}`;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (String(context.commandName) === 'BatchGetItemCommand' && (batchGets += 1) === 2) staged = await command(purchase);
        return next(args);
      },
      { step: 'initialize', name },
    );
    const outcome = await command(asksForAPage).finally(() => client.middlewareStack.remove(name));
    expect(staged?.kind).toBe('committed');
    expect(outcome).toEqual({ kind: 'replayed', result: (staged as { result: unknown }).result });
  });
});

describe('a torn read of a redemption committed under the same key', () => {
  it('sees the redemption order but not the idempotency record, reads again and replays; another key is duplicate_order', async () => {
    await run('open-tr', ['tr'], (state, ctx) =>
      domain.upsert.decideAccountUpsert(
        state.account,
        { accountId: 'tr', profile: { profileId: 'p-tr', role: 'CONSUMER' } },
        config(),
        ctx,
      ),
    );
    await run('fund-tr', ['tr'], earnBonus('tr', 20_000));
    const order = { sourceType: 'redemption' as const, orderId: 'torn-r1' };
    const redeem: Decide = (state, ctx) =>
      domain.redeem.decideRedeem(
        state.account,
        state.redemptionOrder,
        { accountId: 'tr', points: 5000, orderId: 'torn-r1' },
        config(),
        ctx,
      );
    const command = (key: string) => runner.runIdempotentCommand({ ...identity(key), accountIds: ['tr'], order, decide: redeem });
    const first = await command('torn-redeem');
    expect(first.kind).toBe('committed');

    const tear = tearNextBatchGet();
    const again = await command('torn-redeem').finally(tear.remove);
    expect(tear.torn()).toBe(true);
    expect(tear.reads()).toBe(2);
    expect(again).toEqual({ kind: 'replayed', result: (first as { result: unknown }).result });

    const other = await command('torn-redeem-other');
    expect(other).toMatchObject({ kind: 'refused', refusal: { code: 'duplicate_order' } });
    expect(await balances('tr')).toEqual({ tr: 15_000 });
  });
});
