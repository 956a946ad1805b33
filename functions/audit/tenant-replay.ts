import { OCCURRED_AT_WINDOW } from '../domain/decisions/earn.ts';
import { hashLedgerEntry } from '../domain/hash-chain.ts';
import { earnReplay, type ReplayReport, type ReplayWindow } from '../domain/replay.ts';
import type { TenantConfig } from '../domain/tenant-config.ts';
import { exportDays, firstExportDay, tenantDays, type DayState } from './export-days.ts';
import { addDays, dayOf } from './layout.ts';
import { walletLabel } from './manifest.ts';
import { SEAL_GRACE_MINUTES } from './pending.ts';
import type { ObjectStore } from './object-store.ts';
import { isLedgerEntryRecord } from './records.ts';
import { sealedRecords } from './sealed-records.ts';

/**
 * The replay of a whole tenant's earns from its sealed audit export, never from the table: one
 * listing of the tenant's days, then each day's parts streamed (sealed-records.ts) into the
 * replay, which keeps counts and the first `listLimit` findings only. Memory does not grow with
 * the number of earns.
 *
 * Which days: the window is on occurredAt, as in the per-account replay, but the export is
 * filed by the day an entry was recorded (createdAt), and an earn may be recorded up to 90 days
 * after it occurred (OCCURRED_AT_WINDOW) or a few minutes before. So the days read run from the
 * day before `from` (the future skew) to `lateDays` days after `to`'s day (90 by default: every
 * earn of the window; fewer is cheaper and may miss backdated earns), never past today.
 */

/** An earn is recorded at most this many days after its occurredAt. */
export const MAX_LATE_DAYS = Math.ceil(OCCURRED_AT_WINDOW.maxAgeMs / 86_400_000);
export const DEFAULT_LIST_LIMIT = 100;

export interface TenantReplayOptions {
  store: ObjectStore;
  config: TenantConfig;
  window?: ReplayWindow;
  /** Days read after the window's last day (0 to MAX_LATE_DAYS). */
  lateDays?: number;
  now: Date;
  /** Differences, not-replayable entries and export problems listed at most (all are counted). */
  listLimit?: number;
}

export interface IncompleteDay {
  day: string;
  state: Exclude<DayState, 'complete' | 'empty'>;
  detail: string;
}

export interface TenantReplayReport extends ReplayReport {
  tenantId: string;
  source: 'audit export';
  window: ReplayWindow;
  /** Every day of the range sealed, closed, without gap and unchanged since: nothing of it left unread. */
  complete: boolean;
  days: {
    /** The recording days looked at, inclusive (absent when the tenant has exported nothing). */
    from?: string;
    to?: string;
    /** Days whose sealed parts were read. */
    read: string[];
    /** Days that are over and hold nothing. */
    empty: number;
    /** Days not complete, each with why (read or not: see `read`). */
    incomplete: IncompleteDay[];
  };
  /** Ledger entries read (all types, all windows). */
  ledgerEntries: number;
  /** Ledger entries changed or removed in the table on the days read (the export keeps the entry as written). */
  tamperEvents: number;
  /** What did not match its seal (nothing of it replayed); any makes the replay fail. */
  exportProblemCount: number;
  exportProblems: string[];
}

/** The recording days to read for a window, or undefined when there is nothing to read. */
export function replayDays(
  window: ReplayWindow,
  lateDays: number,
  today: string,
  firstExported: string | undefined,
): { from: string; to: string } | undefined {
  const from = window.from ? dayOf(new Date(Date.parse(window.from) - OCCURRED_AT_WINDOW.futureSkewMs).toISOString()) : firstExported;
  const last = window.to ? addDays(dayOf(new Date(Date.parse(window.to) - 1).toISOString()), lateDays) : today;
  const to = last < today ? last : today;
  return from === undefined || from > to ? undefined : { from, to };
}

export async function replayTenant(options: TenantReplayOptions): Promise<TenantReplayReport> {
  const { store, config, now } = options;
  const { tenantId } = config;
  const window = options.window ?? {};
  const listLimit = options.listLimit ?? DEFAULT_LIST_LIMIT;
  const replay = earnReplay(config, window, listLimit);
  const today = now.toISOString().slice(0, 10);
  const days = await tenantDays(store, tenantId);
  const range = replayDays(window, options.lateDays ?? MAX_LATE_DAYS, today, firstExportDay(days));
  const read: string[] = [];
  const incomplete: IncompleteDay[] = [];
  let empty = 0;
  let ledgerEntries = 0;
  let tamperEvents = 0;
  let exportProblemCount = 0;
  const exportProblems: string[] = [];
  const problem = (text: string) => {
    exportProblemCount += 1;
    if (exportProblems.length < listLimit) exportProblems.push(text);
  };

  // A day that ended less than the seal's grace ago may still be reaching the exporter.
  const openFrom = dayOf(new Date(now.getTime() - SEAL_GRACE_MINUTES * 60_000).toISOString());
  for await (const day of range ? exportDays(store, tenantId, days, { ...range, openFrom }) : []) {
    if (day.state === 'empty') empty += 1;
    else if (day.state !== 'complete') incomplete.push({ day: day.day, state: day.state, detail: day.detail ?? day.state });
    const { manifest } = day;
    if (!manifest) continue;
    if (manifest.tenantId !== tenantId || manifest.day !== day.day) {
      problem(`${tenantId} ${day.day}: the manifest is ${manifest.tenantId} ${manifest.day}'s (not read)`);
      continue;
    }
    read.push(day.day);
    tamperEvents += manifest.tamperEvents;
    for await (const record of sealedRecords(store, manifest, problem)) {
      if (!isLedgerEntryRecord(record)) continue;
      ledgerEntries += 1;
      const { hash, ...content } = record.entry;
      if (hashLedgerEntry(content) !== hash) {
        problem(
          `${tenantId} ${day.day}: ${walletLabel(record.entry)} seq ${record.entry.seq}: its hash does not match its content (not replayed)`,
        );
        continue;
      }
      replay.add(record.entry);
    }
  }
  return {
    tenantId,
    source: 'audit export',
    window,
    complete: incomplete.length === 0,
    days: { ...(range ?? {}), read, empty, incomplete },
    ledgerEntries,
    tamperEvents,
    ...replay.report(),
    exportProblemCount,
    exportProblems,
  };
}
