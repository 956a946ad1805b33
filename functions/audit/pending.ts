import { sha256Hex } from './jsonl.ts';
import { addDays, incomingPrefix, PENDING_ROOT, parsePendingKey, pendingKey } from './layout.ts';
import { sourcesDigest, type DayManifest } from './manifest.ts';
import type { ObjectStore } from './object-store.ts';

/**
 * Which tenant-days need sealing, without reading every day: the exporter writes an empty
 * marker `pending/day=<D>/tenant=<T>` after each object it writes (layout.ts), and the sealer
 * removes it once a closed day's seal covers every exporter object.
 *
 * No write is lost to the race between the two: the exporter writes its object before the
 * marker, and the sealer removes the marker before listing the day's objects again; an object
 * that listing does not show was written after it, so its marker came after the removal.
 */

/** Days sealed with gaps are retried (the table or a late record may fill them) for this long. */
export const GAP_RETRY_DAYS = 3;
/**
 * Items per planning run; the rest waits an hour. A Standard execution keeps at most 25,000
 * history events: a tenant-day costs about 23 (its Map iteration, PlanDay, the ranges' Map with
 * one range, FinishDay) and each further range about 7, so 500 days leave room for about 1,500
 * further ranges (a dozen days of 10 million records) and retries.
 */
export const MAX_PLANNED = 500;

const EMPTY = Buffer.alloc(0);

export async function keepPending(store: Pick<ObjectStore, 'put'>, day: string, tenantId: string): Promise<void> {
  await store.put(pendingKey(day, tenantId), EMPTY, { contentType: 'text/plain', sha256: sha256Hex(EMPTY) });
}

/** After a seal: the marker goes once the day is closed, its seal has no gap left to retry, and nothing arrived since. */
export async function settlePending(store: ObjectStore, manifest: DayManifest, now: Date): Promise<void> {
  const { tenantId, day } = manifest;
  if (!manifest.dayClosed) return; // an early seal: the closing seal is still due
  const retryGaps = manifest.gaps.length > 0 && addDays(day, GAP_RETRY_DAYS) >= now.toISOString().slice(0, 10);
  if (retryGaps) return;
  await store.delete(pendingKey(day, tenantId));
  const sources = await store.list(incomingPrefix(day, tenantId));
  if (sources.length !== manifest.sourceCount || sourcesDigest(sources) !== manifest.sourcesDigest) await keepPending(store, day, tenantId);
}

/** The marked tenant-days that have closed (with the grace the exporter needs to catch up), oldest first. */
export async function planSeals(options: {
  store: ObjectStore;
  now: Date;
  graceMinutes: number;
}): Promise<{ tenantId: string; day: string }[]> {
  const closedBefore = new Date(options.now.getTime() - options.graceMinutes * 60_000).toISOString().slice(0, 10);
  return (await options.store.list(PENDING_ROOT))
    .map((object) => parsePendingKey(object.key))
    .filter((item): item is { tenantId: string; day: string } => item !== undefined && item.day < closedBefore)
    .slice(0, MAX_PLANNED);
}

/** A day is sealed this long after it ends (the exporter alarms when 10 minutes behind). */
export const SEAL_GRACE_MINUTES = 15;
