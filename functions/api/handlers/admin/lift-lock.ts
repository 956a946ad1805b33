import { decideLiftLock } from '../../../domain/decisions/locks.ts';
import { runIdempotentCommand } from '../../../usecases/run-idempotent-command.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { liftLockRoute } from '../../routes/admin/lift-lock.ts';

export const handler = httpHandler(liftLockRoute, async (request) => {
  const { accountId, lockId } = request.params;
  return httpAnswer(
    await runIdempotentCommand({
      ...commandIdentity(request),
      accountIds: [accountId],
      // A lock touches no lots.
      pages: { earliest: 0, months: [] },
      decide: (state, ctx) => decideLiftLock(state.account, { accountId, lockId, reasonCode: request.body.reasonCode }, ctx),
    }),
  );
});
