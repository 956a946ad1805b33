import { expireHold } from '../../usecases/redemptions.ts';

/** At the hold's end: closes it as expired, unless it was committed or released before (then nothing). */
export const handler = (input: { tenantId: string; redemptionId: string }): Promise<{ status: string }> =>
  expireHold(input.tenantId, input.redemptionId);
