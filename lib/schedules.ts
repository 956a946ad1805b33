import type { TableAccess } from '../functions/api/route-types.ts';

export interface ScheduledJobDefinition {
  /** Stable PascalCase name: the job's logical id. */
  name: string;
  /** Handler module relative to the repository root; it exports `handler`. */
  handler: string;
  /** EventBridge cron fields (UTC). */
  cron: { minute: string; hour: string };
  tableAccess: TableAccess;
}

/**
 * Jobs EventBridge runs on a schedule. The expiry sweep joins this list when its handler
 * lands (SPEC section 2: expired points leave through an explicit EXPIRE entry), e.g.
 * `{ name: 'ExpirySweep', handler: 'functions/scheduled/expire-lots.ts', cron: { minute: '15', hour: '5' }, tableAccess: 'readwrite' }`.
 */
export const SCHEDULED_JOBS: ScheduledJobDefinition[] = [];
