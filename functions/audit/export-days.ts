import { addDays, exportsTenantPrefix, isDay, manifestKey, PENDING_ROOT, parsePendingKey, segmentValue } from './layout.ts';
import { parseManifest, type DayManifest } from './manifest.ts';
import type { ObjectStore } from './object-store.ts';

/**
 * Which of a tenant's export days exist, and how final each is, found with two listings (the
 * tenant's sealed days under exports/, the pending markers) and no read of any day's data.
 *
 * A day is complete when its manifest says the day had closed when it was sealed, no pending
 * marker says records arrived since, and the seal reports no gap. Anything else is named:
 *   provisional  sealed before the day ended: records after that seal are not in it
 *   stale        records arrived after the seal; the next seal adds them
 *   gaps         sealed with sequence numbers missing (the sealer retries them for a few days)
 *   unsealed     exported but never sealed: the exporter's raw objects are not read (unsorted,
 *                redelivered copies, no manifest to check them against)
 *   open         the day has not ended (or ended less than the seal's grace ago) and nothing of
 *                it is sealed: records may still come
 *   empty        nothing exported and the day is over: nothing was recorded that day
 * Sealed data is read in every case but `unsealed` and `open`; the report names the day either way.
 */

export type DayState = 'complete' | 'empty' | 'provisional' | 'stale' | 'gaps' | 'unsealed' | 'open';

export interface ExportDay {
  day: string;
  state: DayState;
  /** Why a day is not complete, in words. */
  detail?: string;
  /** Present when the day is sealed (its data can be read). */
  manifest?: DayManifest;
}

/** What is there to read for a tenant: the days with a seal, and the days with a pending marker. */
export interface TenantDays {
  sealed: Set<string>;
  pending: Set<string>;
}

export async function tenantDays(store: ObjectStore, tenantId: string): Promise<TenantDays> {
  const sealed = new Set(
    (await store.listPrefixes(exportsTenantPrefix(tenantId)))
      .map((prefix) => segmentValue(prefix, 'day'))
      .filter((day): day is string => day !== undefined && isDay(day)),
  );
  // Markers are few (tenant-days changed since their last closing seal), across all tenants.
  const pending = new Set(
    (await store.list(PENDING_ROOT))
      .map((object) => parsePendingKey(object.key))
      .filter((marker) => marker?.tenantId === tenantId)
      .map((marker) => marker!.day),
  );
  return { sealed, pending };
}

/** The earliest day anything of the tenant was exported (undefined: nothing yet). */
export function firstExportDay(days: TenantDays): string | undefined {
  return [...days.sealed, ...days.pending].sort()[0];
}

/** Each day from `from` to `to` (inclusive) with its state; manifests are fetched one day at a time, as the caller reads. */
export async function* exportDays(
  store: ObjectStore,
  tenantId: string,
  days: TenantDays,
  /** `openFrom`: the first day not over (with the exporter's grace: it may still be writing the day before). */
  range: { from: string; to: string; openFrom: string },
): AsyncGenerator<ExportDay> {
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) {
    const marked = days.pending.has(day);
    if (!days.sealed.has(day)) {
      if (day >= range.openFrom) yield { day, state: 'open', detail: 'the day has not ended: nothing of it is sealed or read' };
      else if (marked) yield { day, state: 'unsealed', detail: 'exported but not sealed yet: not read' };
      else yield { day, state: 'empty' };
      continue;
    }
    const body = await store.get(manifestKey(tenantId, day));
    if (!body) {
      // A day folder without a manifest: a seal under way (its parts are written before the manifest).
      yield { day, state: 'unsealed', detail: 'a seal is under way (no manifest yet): not read' };
      continue;
    }
    const manifest = parseManifest(body);
    const state: ExportDay = !manifest.dayClosed
      ? { day, state: 'provisional', detail: `sealed at ${manifest.sealedAt}, before the day ended: later records are not in it`, manifest }
      : marked
        ? { day, state: 'stale', detail: `records arrived after the seal of ${manifest.sealedAt}: the next seal adds them`, manifest }
        : manifest.gaps.length > 0
          ? { day, state: 'gaps', detail: `the seal misses ${manifest.gaps.length} sequence range(s)`, manifest }
          : { day, state: 'complete', manifest };
    yield state;
  }
}
