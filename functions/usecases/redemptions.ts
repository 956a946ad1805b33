import { randomUUID } from 'node:crypto';
import { decideHold, type HoldRequest } from '../domain/decisions/hold.ts';
import { decideCommitHold, decideReleaseHold } from '../domain/decisions/settle-hold.ts';
import { holdMonths } from '../domain/holds.ts';
import { refuse } from '../domain/result.ts';
import { accountWriteLimit, type TenantConfig } from '../domain/tenant-config.ts';
import { getRedemption } from '../store/redemptions.ts';
import { DEFAULT_PAGE_READS } from '../store/load-decision-state.ts';
import { startWorkflow } from '../workflows/workflow-client.ts';
import type { CommandIdentity, CommandOutcome } from './command-outcome.ts';
import { runIdempotentCommand } from './run-idempotent-command.ts';

/**
 * Two-phase redemption's commands: each runs through the one command path (one read, one
 * decision, one transaction, idempotent), the decisions in functions/domain/decisions.
 */

/** The hold's timer execution: named after the hold, so starting it again starts it once. */
const startHoldTimer = (tenantId: string, redemptionId: string, expiresAt: string) =>
  startWorkflow('RedemptionHold', redemptionId, { tenantId, redemptionId, expiresAt });

/**
 * Places a hold and starts its timer. A retry under the same key replays the stored answer and
 * starts the timer again (harmless: same name, same input), so a timer lost to a crash between
 * the commit and the start is started by the retry. The hold's correctness never waits on the
 * timer: it stops reserving at its end by itself.
 */
export async function placeHold(identity: CommandIdentity, request: HoldRequest, config: TenantConfig): Promise<CommandOutcome> {
  const redemptionId = randomUUID();
  const outcome = await runIdempotentCommand({
    ...identity,
    accountIds: [request.accountId],
    order: { sourceType: 'redemption', orderId: request.orderId },
    accountWritesPerMinute: accountWriteLimit(config),
    decide: (state, ctx) => decideHold(state.account, state.redemptionOrder, request, redemptionId, config, ctx),
  });
  if (outcome.kind === 'committed' || outcome.kind === 'replayed') {
    const held = JSON.parse(outcome.result.bodyJson) as { redemptionId: string; expiresAt: string };
    await startHoldTimer(identity.tenantId, held.redemptionId, held.expiresAt);
  }
  return outcome;
}

type Settlement = 'commit' | 'release' | 'expire';

/**
 * Commit, release or expiry of a hold: the hold is read first for its account (strongly
 * consistent, a commit may follow its hold at once), then read again with the account, its
 * order and the pages its lots are in, so the decision and its guards see one state.
 */
async function settleHold(
  identity: CommandIdentity,
  redemptionId: string,
  settlement: Settlement,
  config?: TenantConfig,
): Promise<CommandOutcome> {
  const hold = await getRedemption(identity.tenantId, redemptionId);
  if (!hold) return { kind: 'refused', refusal: refuse('redemption_not_found', `No redemption ${redemptionId}`) };
  return runIdempotentCommand({
    ...identity,
    accountIds: [hold.accountId],
    order: { sourceType: 'redemption', orderId: hold.orderId },
    redemptionId,
    // The pages the commit spends from, read in the first round.
    ...(settlement === 'commit' ? { pages: { earliest: DEFAULT_PAGE_READS.earliest, months: holdMonths(hold.lots) } } : {}),
    // Partner writes count against the account's rate; the timer's must always land.
    ...(settlement === 'commit' && config ? { accountWritesPerMinute: accountWriteLimit(config) } : {}),
    decide: (state, ctx) => {
      const found = { account: state.account, redemption: state.redemption, order: state.redemptionOrder };
      if (settlement === 'commit') return decideCommitHold(found, redemptionId, ctx);
      return decideReleaseHold(found, redemptionId, settlement === 'release' ? 'partner' : 'timer', ctx);
    },
  });
}

export const commitHold = (identity: CommandIdentity, redemptionId: string, config: TenantConfig) =>
  settleHold(identity, redemptionId, 'commit', config);

export const releaseHold = (identity: CommandIdentity, redemptionId: string) => settleHold(identity, redemptionId, 'release');

/**
 * The timer's step at the hold's end: closes a hold still held as expired. One already closed
 * (committed or released) is left as it is; one not yet due (a clock behind) is an error, so
 * the step is retried. Its own key makes a retried step harmless.
 */
export async function expireHold(tenantId: string, redemptionId: string): Promise<{ status: string }> {
  const outcome = await settleHold(
    {
      tenantId,
      idempotency: { namespace: 'system', key: `hold-expiry:${redemptionId}` },
      operationId: 'expireHold',
      actor: { kind: 'system', id: 'redemption-hold-workflow' },
      requestId: redemptionId,
      hashInput: { params: { redemptionId }, body: {} },
    },
    redemptionId,
    'expire',
  );
  if (outcome.kind === 'committed' || outcome.kind === 'replayed') return { status: 'expired' };
  if (outcome.kind === 'refused' && outcome.refusal.code === 'redemption_not_held') {
    return { status: String(outcome.refusal.extra?.redemptionStatus ?? 'closed') };
  }
  if (outcome.kind === 'refused' && outcome.refusal.code === 'redemption_not_found') return { status: 'not_found' };
  if (outcome.kind === 'refused') throw new Error(`${outcome.refusal.code}: ${outcome.refusal.detail}`);
  throw new Error(`Expiring hold ${redemptionId} did not finish (${outcome.kind}); retrying`);
}
