import { openAuditStore } from '../bin/audit-store.ts';
import type { ReplayWindow } from '../functions/domain/replay.ts';
import type { TenantConfig } from '../functions/domain/tenant-config.ts';
import { replayTenant } from '../functions/audit/tenant-replay.ts';

/**
 * `npm run admin -- replay --tenant T` without --account: every earn of the tenant replayed from
 * its sealed audit export (functions/audit/tenant-replay.ts), the bucket found as rrr-audit finds
 * it. Prints the report as JSON; a range with days not complete (unsealed, open, sealed early or
 * since changed) says so on stderr too, since the counts then cover less than the range. The
 * exit code: 1 on any difference or any part that does not match its seal, else 0 (an
 * incomplete range is not a difference: check `complete`).
 */
export async function replayWholeTenant(options: {
  config: TenantConfig;
  window: ReplayWindow;
  lateDays: number;
  listLimit: number;
  bucket?: string | undefined;
  endpoint?: string | undefined;
}): Promise<number> {
  const { store } = await openAuditStore({ bucket: options.bucket, endpoint: options.endpoint });
  const report = await replayTenant({
    store,
    config: options.config,
    window: options.window,
    lateDays: options.lateDays,
    listLimit: options.listLimit,
    now: new Date(),
  });
  console.log(JSON.stringify(report, null, 2));
  if (!report.complete) {
    const named = report.days.incomplete.map((day) => `${day.day} ${day.state}`);
    const shown = named.length > 5 ? `${named.slice(0, 5).join(', ')} and ${named.length - 5} more` : named.join(', ');
    process.stderr.write(`admin: replay incomplete: ${named.length} day(s) in range not complete (${shown}); see days.incomplete\n`);
  }
  return report.differenceCount > 0 || report.exportProblemCount > 0 ? 1 : 0;
}
