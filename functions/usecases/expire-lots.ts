import { decideExpiry } from '../domain/decisions/expire.ts';
import { advanceSweepMark, EXPIRY_SHARD_IDS, getSweepMark, listTenantIds, queryDuePages, type DuePage } from '../store/expiry-index.ts';
import { runIdempotentCommand } from './run-idempotent-command.ts';

const DAY_MS = 86_400_000;
/** Where a tenant's first sweep starts looking (no mark yet): this many days before its instant (or now, if earlier). */
export const FIRST_SWEEP_LOOKBACK_DAYS = 7;
/** A day is marked done only once it ended this long ago: index writes of its last moments have landed. */
const SETTLE_MS = 3_600_000;
/** Stop taking new work when less than this is left of the caller's time. */
const STOP_BEFORE_MS = 10_000;
/** Index items read per Query. */
const QUERY_LIMIT = 100;

export interface SweepReport {
  tenantId: string;
  asOf: string;
  /** Index hits read (lot pages with something due). */
  hits: number;
  /** Commands committed (one per account and expiry instant). */
  committed: number;
  /** Commands already committed by an earlier run (replayed): nothing written again. */
  replayed: number;
  /** Hits with nothing due any more (another run or a spend got there first). */
  nothingDue: number;
  /** Hits left for the next run (contended, out of time): nothing written for them. */
  deferred: number;
  lotsExpired: number;
  pointsExpired: number;
  /** Every due page up to `asOf` was handled; otherwise the next run goes on. */
  complete: boolean;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const nextDay = (day: string) => dayOf(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS);

/**
 * The expiry sweep of one tenant (SPEC section 2: expired points leave through an explicit
 * EXPIRE entry). Reads the sparse expiry index day by day and shard by shard (Queries, never
 * a scan) from where the last sweep left off (the tenant's mark), and for each (account,
 * page, expiry instant) found runs one command in the one command path: read, decide
 * (`decideExpiry`), commit one TransactWriteItems, under the system key
 * `expire:<account>:<instant>`. A second run finds nothing due, or replays; nothing expires
 * twice. Work is bounded by the caller's time (`remainingMs`): it stops early, reports
 * `complete: false`, and the mark makes the next run go on from there.
 */
export async function sweepTenantExpiry(options: {
  tenantId: string;
  asOf?: string;
  remainingMs?: () => number;
  runId?: string;
}): Promise<SweepReport> {
  const { tenantId } = options;
  const asOf = options.asOf ?? new Date().toISOString();
  const runId = options.runId ?? `expiry-sweep:${asOf}`;
  const report: SweepReport = {
    tenantId,
    asOf,
    hits: 0,
    committed: 0,
    replayed: 0,
    nothingDue: 0,
    deferred: 0,
    lotsExpired: 0,
    pointsExpired: 0,
    complete: false,
  };
  const outOfTime = () => options.remainingMs !== undefined && options.remainingMs() < STOP_BEFORE_MS;
  const lastDay = asOf.slice(0, 10);
  // Days before this may be marked done (never past the real clock: a test's future instant does not move the mark).
  const settledBefore = dayOf(Math.min(Date.parse(asOf), Date.now()) - SETTLE_MS);
  // Without a mark, from a week before the earlier of asOf and the real clock: a sweep as of a later instant (a test, a run
  // by hand with --as-of) still finds the lots falling due between now and then.
  let day = (await getSweepMark(tenantId)) ?? dayOf(Math.min(Date.parse(asOf), Date.now()) - FIRST_SWEEP_LOOKBACK_DAYS * DAY_MS);
  let markTo: string | undefined;
  let stopped = false;
  let contiguous = true;
  for (; day <= lastDay && !stopped; day = nextDay(day)) {
    let dayDone = true;
    for (const shard of EXPIRY_SHARD_IDS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        if (outOfTime()) {
          stopped = true;
          break;
        }
        const page = await queryDuePages(tenantId, day, shard, asOf, QUERY_LIMIT, startKey);
        for (const hit of page.items) {
          if (outOfTime()) {
            stopped = true;
            break;
          }
          report.hits += 1;
          if (!(await expireOne(tenantId, hit, asOf, runId, options.remainingMs, report))) dayDone = false;
        }
        startKey = page.next;
      } while (startKey && !stopped);
      if (stopped) break;
    }
    if (stopped) break;
    // The mark moves over days done without a gap; a day left with work keeps it there (later days are still swept).
    if (!dayDone || day >= settledBefore) contiguous = false;
    if (contiguous) markTo = nextDay(day);
  }
  if (markTo) await advanceSweepMark(tenantId, markTo, new Date().toISOString());
  report.complete = !stopped && report.deferred === 0;
  return report;
}

/** One (account, instant): true when handled (written now, before, or nothing due), false when left for the next run. */
async function expireOne(
  tenantId: string,
  hit: DuePage,
  asOf: string,
  runId: string,
  remainingMs: (() => number) | undefined,
  report: SweepReport,
): Promise<boolean> {
  const outcome = await runIdempotentCommand({
    tenantId,
    idempotency: { namespace: 'system', key: expiryKey(hit.accountId, hit.expiresAt) },
    operationId: 'expireLots',
    actor: { kind: 'system', id: 'expiry-sweep' },
    requestId: runId,
    hashInput: { params: { accountId: hit.accountId, month: hit.month, expiresAt: hit.expiresAt }, body: {} },
    accountIds: [hit.accountId],
    // Only the page with the due lots: nothing else is read or written.
    pages: { earliest: 0, months: [hit.month] },
    decide: (state, ctx) =>
      decideExpiry(
        state.account,
        state.unlistedPages?.[hit.accountId]?.find((page) => page.month === hit.month),
        hit,
        asOf,
        ctx,
      ),
    ...(remainingMs ? { remainingMs } : {}),
  });
  if (outcome.kind === 'committed') {
    const body = JSON.parse(outcome.result.bodyJson) as { points: number; lots: number };
    report.committed += 1;
    report.lotsExpired += body.lots;
    report.pointsExpired += body.points;
    return true;
  }
  if (outcome.kind === 'replayed') {
    report.replayed += 1;
    return true;
  }
  if (outcome.kind === 'refused') {
    report.nothingDue += 1;
    return true;
  }
  report.deferred += 1;
  return false;
}

/** One key per account and expiry instant: the lots expiring then are written off once, whoever runs the sweep. */
export const expiryKey = (accountId: string, expiresAt: string) => `expire:${accountId}:${expiresAt}`;

/**
 * Every tenant's sweep, one after the other, within the caller's time (`tenantIds` narrows it
 * to those listed, for a run by hand). Tenants not reached are left for the next run: the
 * summary says `complete: false`.
 */
export async function sweepAllTenants(
  options: { asOf?: string; remainingMs?: () => number; runId?: string; tenantIds?: string[] } = {},
): Promise<{ reports: SweepReport[]; summary: SweepSummary }> {
  const { tenantIds, ...sweepOptions } = options;
  const listed = tenantIds ?? (await listTenantIds());
  const reports: SweepReport[] = [];
  for (const tenantId of listed) {
    if (options.remainingMs && options.remainingMs() < STOP_BEFORE_MS) break;
    reports.push(await sweepTenantExpiry({ ...sweepOptions, tenantId }));
  }
  return { reports, summary: summarizeSweep(reports, listed.length) };
}

/** What one run over every tenant did: what the scheduled job logs and `npm run admin -- expire` prints. */
export interface SweepSummary {
  tenants: number;
  expiredLots: number;
  points: number;
  /** Every tenant listed was swept to the end; otherwise the next run goes on. */
  complete: boolean;
}

function summarizeSweep(reports: SweepReport[], tenantsListed: number): SweepSummary {
  return {
    tenants: reports.length,
    expiredLots: reports.reduce((sum, report) => sum + report.lotsExpired, 0),
    points: reports.reduce((sum, report) => sum + report.pointsExpired, 0),
    complete: reports.length === tenantsListed && reports.every((report) => report.complete),
  };
}
