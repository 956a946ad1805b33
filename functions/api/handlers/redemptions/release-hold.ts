import { releaseHold } from '../../../usecases/redemptions.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { releaseHoldRoute } from '../../routes/redemptions/release-hold.ts';

export const handler = httpHandler(releaseHoldRoute, async (request) =>
  httpAnswer(await releaseHold(commandIdentity(request), request.params.redemptionId)),
);
