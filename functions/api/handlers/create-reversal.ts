import { decideReversal } from '../../domain/decisions/reversal.ts';
import { runIdempotentCommand } from '../../usecases/run-idempotent-command.ts';
import { commandIdentity, httpAnswer } from '../http/command-answer.ts';
import { httpHandler } from '../http/http-handler.ts';
import { createReversalRoute } from '../routes/create-reversal.ts';

export const handler = httpHandler(createReversalRoute, async (request) => {
  const { body } = request;
  return httpAnswer(
    await runIdempotentCommand({
      ...commandIdentity(request),
      accountIds: [body.accountId],
      order: { sourceType: 'purchase', orderId: body.orderId },
      decide: (state, ctx) => decideReversal(state.account, state.order, body, ctx),
    }),
  );
});
