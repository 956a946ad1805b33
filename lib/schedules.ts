import type { TableAccess } from '../functions/domain/vocabulary.ts';

export interface ScheduledJobDefinition {
  /** Stable PascalCase name: the job's logical id. */
  name: string;
  /** Handler module relative to the repository root; it exports `handler`. */
  handler: string;
  /** EventBridge cron fields (UTC). */
  cron: { minute: string; hour: string };
  tableAccess: TableAccess;
  /** The audit bucket rights it needs (lib/audit-access.ts), if any. */
  auditBucket?: 'seal';
  /** Whether it computes keyed hashes (gets read access to the HASH_KEY secret); none of the sweeps do. */
  hashKey?: boolean;
  memorySize?: number;
}

/**
 * Jobs EventBridge runs on a schedule.
 *
 * ExpirySweep (SPEC section 2: expired points leave through an explicit EXPIRE entry) runs
 * hourly, not daily: expiry instants are ends of days in each tenant's own time zone, so lots
 * fall due at every hour of the UTC day across tenants; hourly, a partner sees a lot's EXPIRE
 * entry within about an hour of its expiry (the balance already leaves it out from the instant
 * itself). A run with nothing due costs one GetItem and a few Queries per tenant; a run cut
 * short by its 5-minute timeout is continued by the next from each tenant's mark. Runs that
 * overlap are safe: each (account, instant) is one idempotent command.
 */
export const SCHEDULED_JOBS: ScheduledJobDefinition[] = [
  // Audit sealing is the AuditSeal workflow (functions/workflows/definitions.ts): one invocation per changed tenant-day.
  { name: 'ExpirySweep', handler: 'functions/scheduled/expire-lots.ts', cron: { minute: '15', hour: '*' }, tableAccess: 'readwrite' },
];
