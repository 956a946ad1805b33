import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256Hex } from '../functions/audit/jsonl.ts';
import {
  addDays,
  baseName,
  EXPORTS_ROOT,
  exportsTenantPrefix,
  incomingDayPrefix,
  INCOMING_ROOT,
  isDay,
  isTenantId,
  manifestKey,
  MANIFEST_NAME,
  segmentValue,
} from '../functions/audit/layout.ts';
import { PREVIOUS_MANIFEST, PREVIOUS_PREFIX, readFetchedFolder } from '../functions/audit/fetched-folder.ts';
import { parseManifest } from '../functions/audit/manifest.ts';
import type { ObjectStore } from '../functions/audit/object-store.ts';
import { sealDay, sealPendingDays } from '../functions/audit/seal.ts';
import { describeProblem, verifyExport } from '../functions/audit/verify.ts';
import { fetchedObjects } from '../functions/audit/wallet-index.ts';
import { openAuditStore } from './audit-store.ts';

const USAGE = `rrr-audit: list, fetch and verify the audit exports (npx rrr-audit ...)

  rrr-audit list [--tenant T] [--since YYYY-MM-DD]
      exported days: sealed ones, and days still open (exported, not yet sealed) since --since
      (default 30 days ago); with --tenant also each sealed day's revision and record count
  rrr-audit fetch --tenant T --day YYYY-MM-DD --out DIR
      downloads the day's manifest, parts and wallet index (and the previous sealed day's
      manifest and wallet index, as previous-manifest.json and previous-wallets-*) into DIR
  rrr-audit verify DIR [--previous FILE]
      checks a fetched day offline: manifest hashes and record counts, no duplicate, per-wallet
      sequences without gaps, every hash chain from the manifest's prevHash to its head, and
      continuity with the previous day's manifest; exits 0 when all holds, 1 naming the first
      object, wallet and sequence where it does not
  rrr-audit seal --tenant T --day YYYY-MM-DD | --pending
      (operators) seals a day now, or every unsealed closed day; the service does this itself

Where: the local service's S3 (from .local/credentials.json) unless --bucket / RRR_AUDIT_BUCKET
is given; then AWS with the usual AWS environment (profile or keys, AWS_REGION), or another S3
at --endpoint URL (the same as the SDK's own AWS_ENDPOINT_URL_S3).`;

class UsageError extends Error {}

/** Bad usage: one line on stderr, exit 2 (--help prints the usage, exit 0). */
function usageFailure(message: string): never {
  console.error(`rrr-audit: ${message} (rrr-audit --help shows the usage)`);
  process.exit(2);
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        tenant: { type: 'string' },
        day: { type: 'string' },
        out: { type: 'string' },
        since: { type: 'string' },
        previous: { type: 'string' },
        pending: { type: 'boolean', default: false },
        bucket: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    usageFailure((error as Error).message.split('. ')[0]!.replace(/\.$/, ''));
  }
})();

function option(name: 'tenant' | 'day' | 'out', check?: (value: string) => boolean): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  if (check && !check(value)) throw new UsageError(`--${name} ${value} is not valid`);
  return value;
}

/** The bucket to talk to, and how (see USAGE). */
const openStore = () => openAuditStore({ bucket: values.bucket, endpoint: values.endpoint });

async function sealedDays(store: ObjectStore, tenantId: string): Promise<string[]> {
  return (await store.listPrefixes(exportsTenantPrefix(tenantId)))
    .map((prefix) => segmentValue(prefix, 'day'))
    .filter((day): day is string => !!day && isDay(day));
}

async function list(): Promise<number> {
  const { store, where } = await openStore();
  const only = values.tenant;
  if (only !== undefined && !isTenantId(only)) throw new UsageError(`--tenant ${only} is not valid`);
  const since = values.since ?? addDays(new Date().toISOString().slice(0, 10), -30);
  if (!isDay(since)) throw new UsageError(`--since ${since} is not a day (YYYY-MM-DD)`);

  const tenants = new Set<string>(
    only ? [only] : (await store.listPrefixes(EXPORTS_ROOT)).map((p) => segmentValue(p, 'tenant')).filter((t): t is string => !!t),
  );
  const open = new Map<string, Set<string>>();
  let incomingDays: string[] = [];
  try {
    incomingDays = (await store.listPrefixes(INCOMING_ROOT))
      .map((p) => segmentValue(p, 'day'))
      .filter((d): d is string => !!d && d >= since);
  } catch (error) {
    // Finance may be allowed to read sealed exports only.
    if ((error as Error).name !== 'AccessDenied') throw error;
    console.log('(no access to incoming/: days not sealed yet are not shown)');
  }
  for (const day of incomingDays) {
    for (const prefix of await store.listPrefixes(incomingDayPrefix(day))) {
      const tenantId = segmentValue(prefix, 'tenant');
      if (!tenantId || (only && tenantId !== only)) continue;
      tenants.add(tenantId);
      open.set(tenantId, (open.get(tenantId) ?? new Set()).add(day));
    }
  }
  const rows: string[][] = [];
  for (const tenantId of [...tenants].sort()) {
    const sealed = await sealedDays(store, tenantId);
    for (const day of sealed) {
      if (only) {
        const manifest = parseManifest((await store.get(manifestKey(tenantId, day)))!);
        rows.push([
          tenantId,
          day,
          'sealed',
          `revision ${manifest.revision}`,
          `${manifest.recordCount} records`,
          `${manifest.objects.length} objects`,
        ]);
      } else {
        rows.push([tenantId, day, 'sealed']);
      }
      open.get(tenantId)?.delete(day);
    }
    for (const day of open.get(tenantId) ?? []) rows.push([tenantId, day, 'open (not sealed yet)']);
  }
  rows.sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!));
  console.log(`audit exports in ${where}`);
  if (rows.length === 0) console.log('  none');
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  for (const row of rows)
    console.log(
      `  ${row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}`,
    );
  return 0;
}

async function fetchDay(): Promise<number> {
  const tenantId = option('tenant', isTenantId);
  const day = option('day', isDay);
  const out = resolve(option('out'));
  const { store, where } = await openStore();
  const manifestBody = await store.get(manifestKey(tenantId, day));
  if (!manifestBody) {
    console.error(`${tenantId} ${day} is not sealed (no manifest in ${where}). Days are sealed after they end; rrr-audit list shows them.`);
    return 1;
  }
  const manifest = parseManifest(manifestBody);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, MANIFEST_NAME), manifestBody);
  let mismatches = 0;
  // The parts and the wallet index (version 1 manifests hold their wallets inline).
  for (const object of fetchedObjects(manifest)) {
    const body = await store.get(object.key);
    if (!body) {
      console.error(`  ${object.key}: listed in the manifest but not in the bucket`);
      mismatches += 1;
      continue;
    }
    await writeFile(join(out, baseName(object.key)), body);
    if (sha256Hex(body) !== object.sha256) {
      console.error(`  ${baseName(object.key)}: SHA-256 does not match the manifest`);
      mismatches += 1;
    }
  }
  const previousDay = (await sealedDays(store, tenantId)).filter((d) => d < day).at(-1);
  if (previousDay) {
    const previousBody = (await store.get(manifestKey(tenantId, previousDay)))!;
    await writeFile(join(out, PREVIOUS_MANIFEST), previousBody);
    // Its wallet index too: verify checks each wallet starts where that day ended.
    for (const object of parseManifest(previousBody).walletIndex) {
      const body = await store.get(object.key);
      if (body) await writeFile(join(out, `${PREVIOUS_PREFIX}${baseName(object.key)}`), body);
    }
  }
  console.log(
    `fetched ${tenantId} ${day} (revision ${manifest.revision}): ${manifest.objects.length} objects, ${manifest.recordCount} records` +
      `${previousDay ? `, previous day ${previousDay}'s manifest` : ''} into ${out}`,
  );
  console.log(`next: rrr-audit verify ${out}`);
  return mismatches === 0 ? 0 : 1;
}

async function verify(): Promise<number> {
  const dir = positionals[1];
  if (!dir) throw new UsageError('verify needs the folder fetch wrote');
  const names = await readdir(dir).catch(() => {
    throw new UsageError(`${dir} is not a folder`);
  });
  if (!names.includes(MANIFEST_NAME)) throw new UsageError(`${dir} has no ${MANIFEST_NAME}: fetch the day first`);
  const input = await readFetchedFolder(dir, values.previous);
  const continuity = input.previousManifest !== undefined;
  const result = verifyExport(input);
  const { summary } = result;
  const what = `${summary.tenantId ?? '?'} ${summary.day ?? '?'}`;
  if (result.ok) {
    console.log(
      `verify ${what}: OK: ${summary.objects} objects, ${summary.records} records, ${summary.wallets} wallets, ${summary.entries} ledger entries` +
        `${continuity ? ', continuous with the previous day' : ''}`,
    );
    return 0;
  }
  console.log(`verify ${what}: FAILED (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'})`);
  for (const problem of result.problems.slice(0, 50)) console.log(`  ${describeProblem(problem)}`);
  if (result.problems.length > 50) console.log(`  ... and ${result.problems.length - 50} more`);
  console.log(`first failure: ${describeProblem(result.first!)}`);
  return 1;
}

async function seal(): Promise<number> {
  const { store } = await openStore();
  const outcomes = values.pending
    ? await sealPendingDays({ store, now: new Date(), lookbackDays: 31, graceMinutes: 15 })
    : await (async () => {
        const outcome = await sealDay({ store, tenantId: option('tenant', isTenantId), day: option('day', isDay), now: new Date() });
        return { outcomes: [outcome], problems: outcome.status === 'empty' ? [] : outcome.problems };
      })();
  for (const outcome of outcomes.outcomes) {
    const detail =
      outcome.status === 'empty'
        ? 'nothing exported'
        : `revision ${outcome.manifest.revision}, ${outcome.manifest.recordCount} records, ${outcome.manifest.objects.length} objects` +
          (outcome.status === 'sealed' ? `, ${outcome.manifest.duplicatesDropped} redelivered copies dropped` : '');
    console.log(`${outcome.tenantId} ${outcome.day}: ${outcome.status} (${detail})`);
  }
  for (const problem of outcomes.problems) console.error(`problem: ${problem}`);
  return outcomes.problems.length === 0 ? 0 : 1;
}

const commands: Record<string, () => Promise<number>> = { list, fetch: fetchDay, verify, seal };

async function main(): Promise<number> {
  const command = positionals[0];
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!command) throw new UsageError(`a command is needed: ${Object.keys(commands).join(', ')}`);
  const run = commands[command];
  if (!run) throw new UsageError(`Unknown command ${command}`);
  return run();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) usageFailure(error.message);
    console.error(`rrr-audit: ${(error as Error).message}`);
    process.exit(1);
  },
);
