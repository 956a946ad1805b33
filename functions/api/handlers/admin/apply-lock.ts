import { decideApplyLock } from '../../../domain/decisions/locks.ts';
import { runIdempotentCommand } from '../../../usecases/run-idempotent-command.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { applyLockRoute } from '../../routes/admin/apply-lock.ts';

export const handler = httpHandler(applyLockRoute, async (request) => {
  const { accountId } = request.params;
  return httpAnswer(
    await runIdempotentCommand({
      ...commandIdentity(request),
      accountIds: [accountId],
      // A lock touches no lots.
      pages: { earliest: 0, months: [] },
      decide: (state, ctx) => decideApplyLock(state.account, { accountId, ...request.body }, ctx),
    }),
  );
});
