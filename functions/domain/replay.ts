import { purchasePricing } from './earning.ts';
import { ruleInForce, type TenantConfig } from './tenant-config.ts';
import type { LedgerEntry } from './types.ts';

/**
 * The replay of earns: each purchase earn recomputed from its stored event (subtotal and tier,
 * `pricing`) and the rule version it names, and compared with what the ledger recorded. Rule
 * versions are never edited once in force, so a rule change that rewrote history shows here as
 * a difference. Pure: the caller reads the entries and the configuration.
 *
 * Entries are taken one at a time (`earnReplay`), so a caller streaming millions of them holds
 * only the counts and the first `listLimit` differences and not-replayable entries.
 */

export interface ReplayFacts {
  amount: number;
  ruleVersion?: number;
  promotionId?: string;
}

export interface ReplayDifference {
  accountId: string;
  seq: number;
  transactionId: string;
  recorded: ReplayFacts;
  recomputed: ReplayFacts;
}

export interface NotReplayableEntry {
  accountId: string;
  seq: number;
  transactionId: string;
  reason: string;
}

export interface ReplayReport {
  /** EARN entries in range. */
  checked: number;
  /** Purchase earns recomputed (their pricing inputs and rule version are at hand). */
  replayable: number;
  /** Purchase earns that cannot be recomputed: no stored event (written before `pricing`), or their rule version is no longer kept. */
  notReplayable: number;
  /** Promotion and bonus earns: their points were given, not priced, so there is nothing to recompute. */
  explicitPoints: number;
  /** How many replayable earns differ (all of them, listed or not). */
  differenceCount: number;
  /** The differences, the first `listLimit` of them in the order the entries came. */
  differences: ReplayDifference[];
  /** Why each not-replayable entry is so (the first `listLimit` of them). */
  notReplayableEntries: NotReplayableEntry[];
}

export interface ReplayWindow {
  /** Inclusive, on occurredAt (createdAt when absent). */
  from?: string;
  /** Exclusive. */
  to?: string;
}

export function inWindow(entry: LedgerEntry, window: ReplayWindow): boolean {
  const at = Date.parse(entry.occurredAt ?? entry.createdAt);
  if (window.from !== undefined && at < Date.parse(window.from)) return false;
  if (window.to !== undefined && at >= Date.parse(window.to)) return false;
  return true;
}

export interface EarnReplay {
  /** Takes one ledger entry (any type: only EARN entries in the window count). */
  add(entry: LedgerEntry): void;
  /** The report so far. */
  report(): ReplayReport;
}

/** An empty replay; `listLimit` caps the lists in the report (the counts are always whole). */
export function earnReplay(config: TenantConfig, window: ReplayWindow = {}, listLimit = Number.POSITIVE_INFINITY): EarnReplay {
  const report: ReplayReport = {
    checked: 0,
    replayable: 0,
    notReplayable: 0,
    explicitPoints: 0,
    differenceCount: 0,
    differences: [],
    notReplayableEntries: [],
  };
  return {
    add(entry) {
      if (entry.type !== 'EARN' || !inWindow(entry, window)) return;
      report.checked += 1;
      if (entry.source?.type !== 'purchase') {
        report.explicitPoints += 1;
        return;
      }
      const place = { accountId: entry.accountId, seq: entry.seq, transactionId: entry.transactionId };
      const rule = config.versions.find((version) => version.version === entry.ruleVersion);
      if (!entry.pricing || !rule) {
        report.notReplayable += 1;
        const reason = !entry.pricing
          ? 'not replayable (no stored event)'
          : `not replayable (rule version ${String(entry.ruleVersion)} is no longer kept)`;
        if (report.notReplayableEntries.length < listLimit) report.notReplayableEntries.push({ ...place, reason });
        return;
      }
      report.replayable += 1;
      const occurredAt = entry.occurredAt ?? entry.createdAt;
      const inForce = ruleInForce(config, occurredAt);
      const priced = purchasePricing(entry.pricing.subtotalCents, rule, entry.pricing.tier, occurredAt);
      const recorded = facts(entry.amount, entry.ruleVersion, entry.promotionId);
      const recomputed = facts(priced.points, inForce?.version, priced.promotionId);
      if (JSON.stringify(recorded) === JSON.stringify(recomputed)) return;
      report.differenceCount += 1;
      if (report.differences.length < listLimit) report.differences.push({ ...place, recorded, recomputed });
    },
    report: () => structuredClone(report),
  };
}

/** Every entry of a list replayed at once, every difference listed (the per-account replay). */
export function replayEarns(entries: LedgerEntry[], config: TenantConfig, window: ReplayWindow = {}): ReplayReport {
  const replay = earnReplay(config, window);
  for (const entry of entries) replay.add(entry);
  return replay.report();
}

function facts(amount: number, ruleVersion: number | undefined, promotionId: string | undefined): ReplayFacts {
  return { amount, ...(ruleVersion !== undefined ? { ruleVersion } : {}), ...(promotionId !== undefined ? { promotionId } : {}) };
}
