import { requiredForPoints } from '../../../domain/approvals.ts';
import { mayRequestAdjustment, SUPPORT_SERVICE_CREDIT_MAX } from '../../../domain/decisions/adjustment.ts';
import { requestApproval } from '../../../usecases/approvals.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { createAdjustmentRoute } from '../../routes/admin/create-adjustment.ts';

export const handler = httpHandler(createAdjustmentRoute, async (request) => {
  const action = request.body;
  const roles = request.principal?.kind === 'operator' ? request.principal.roles : [];
  if (!mayRequestAdjustment(roles, action)) {
    throw new ProblemError(
      'forbidden',
      `Support staff may request service_credit credits of up to ${SUPPORT_SERVICE_CREDIT_MAX} points; any other adjustment is requested by an admin`,
    );
  }
  return httpAnswer(
    await requestApproval(commandIdentity(request), { kind: 'adjustment', action, required: requiredForPoints(action.points) }),
  );
});
