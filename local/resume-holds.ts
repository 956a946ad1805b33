import { itemToRedemption } from '../functions/store/items.ts';
import { startWorkflow } from '../functions/workflows/workflow-client.ts';
import { scanOpenItems } from './scan-open-items.ts';

/**
 * Like resume-approvals.ts, for redemption holds: after a restart with kept data, each hold
 * still stored as held gets its timer started again (a hold past its end expires at once).
 */
export async function resumeOpenHolds(start: typeof startWorkflow = startWorkflow): Promise<number> {
  let resumed = 0;
  for await (const item of scanOpenItems('REDEMPTION', ['held'])) {
    const hold = itemToRedemption(item);
    await start('RedemptionHold', hold.redemptionId, {
      tenantId: hold.tenantId,
      redemptionId: hold.redemptionId,
      expiresAt: hold.expiresAt,
    });
    resumed += 1;
  }
  return resumed;
}
