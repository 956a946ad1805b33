import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ADJUSTMENT_REASON_CODES,
  APPROVAL_REJECT_REASON_CODES,
  LOCK_LIFT_REASON_CODES,
  LOCK_REASON_CODES,
} from '../functions/domain/vocabulary.ts';
import { isTenantId } from '../functions/audit/layout.ts';
import { DEFAULT_LIST_LIMIT, MAX_LATE_DAYS } from '../functions/audit/tenant-replay.ts';
import { replayEarns } from '../functions/domain/replay.ts';
import type { TenantConfig } from '../functions/domain/tenant-config.ts';
import type { LedgerEntry } from '../functions/domain/types.ts';
import { LOCAL_TABLE_NAME, localAwsEnv } from '../local/aws-env.ts';
import { MAX_ADJUSTMENT_POINTS } from '../schemas/approvals.ts';
import { integerOption, parseCli, requiredOption, runCli, UsageError } from './cli-args.ts';
import { BULK_CONCURRENCY, BulkFileError, planBulkFile, progressBar, runBulk, summaryLine } from './bulk-adjust.ts';
import { replayWholeTenant } from './replay-tenant.ts';

const APPROVAL_STATUSES = ['pending', 'approved', 'applied', 'rejected', 'expired'] as const;

/** Operator CLI over the admin API (the same routes an operator console would call). */
const spec = {
  command: 'npm run admin --',
  usage: `Usage: npm run admin -- <command> [options]

Commands:
  create-tenant --tenant ID --name NAME [--time-zone ZONE] [--sections JSON (its first configuration)]
  config        --tenant ID                 the configuration versions: { current, versions }
  set-config    --tenant ID --sections '{"earning":{"purchasePointsPerUsd":15}}'
                [--effective-from 2027-01-01T05:00:00Z]
                a new configuration version (now by default, never in the past); each
                section given replaces that section, members left out keep their value
  create-key    --tenant ID --scopes earn,redeem,read [--label LABEL] [--expires-at 2027-01-01T00:00:00Z]
  list-keys     --tenant ID                 (follows every page of the list)
  rotate-key    --tenant ID --key key_0123456789abcdef [--overlap-seconds 86400]
  revoke-key    --tenant ID --key key_0123456789abcdef --reason compromised|rotated|partner_offboarded|unused|other
  lock          --tenant ID --account ID --kind redemption|transfer|account --reason ${LOCK_REASON_CODES.join('|')}
                [--until 2027-01-01T00:00:00Z]
  unlock        --tenant ID --account ID --lock LOCK_ID --reason ${LOCK_LIFT_REASON_CODES.join('|')}
  adjust        --tenant ID --account ID --points N --reason ${ADJUSTMENT_REASON_CODES.join('|')}
                --ticket REF --note TEXT
                requests a signed adjustment (a debit: --points -50); prints the approval
                request, pending (up to 100 points 1 tenant admin approves; 101 to 500 two;
                above 500 two and a platform admin; never the requester)
  bulk-adjust   --tenant ID --file rows.csv [--out results.csv] [--note TEXT]
                one adjustment request per row of a CSV file with the header
                rowId,accountId,points,reasonCode,ticket[,note] (RFC 4180: quoted fields may
                hold commas, quotes and line breaks). Each row is sent with the Idempotency-Key
                bulk:<tenant>:<rowId>, so running the file again asks nothing twice (its rows
                are "replayed"); a row changed under the same rowId is "refused"
                (idempotency_key_reused). Rows are checked first (points a non-zero whole
                number, a known reason code, required fields, rowId unique in the file): a bad
                one is "invalid" and not sent. The note: the row's note column, else --note,
                else "bulk adjustment, row <rowId>". ${BULK_CONCURRENCY} requests at a time; 429, 503 and other
                5xx are retried (Retry-After) then "failed". Writes rowId,status,approvalId,
                code,detail in file order to --out (default <file>.results.csv); a progress bar
                on a terminal, a summary line on stderr. Exits 0 when every row is requested
                or replayed, else 1
  approvals list    --tenant ID [--status ${APPROVAL_STATUSES.join('|')}] [--limit 1-100]
                    [--cursor CURSOR]      one page (pending by default); --cursor nextCursor for the next
  approvals show    --tenant ID --id APPROVAL_ID
  approvals approve --tenant ID --id APPROVAL_ID [--note TEXT]
                    prints the request: pending, approved, or applied (outcome.transactionId)
  approvals reject  --tenant ID --id APPROVAL_ID --reason ${APPROVAL_REJECT_REASON_CODES.join('|')}
  replay        --tenant ID [--from INSTANT] [--to INSTANT]
                [--late-days 0-90] [--max-listed N] [--bucket NAME] [--endpoint URL]
                the whole tenant, from its sealed audit export (never the table): recomputes
                every purchase earn with occurredAt in [--from, --to) from its stored event
                (subtotal and tier) and the rule version it names. Reads the export days an
                earn of the window may be recorded on: from the day of --from less 5 minutes
                (the first exported day without it) to --late-days after --to's day (default
                90: an earn may be recorded 90 days after it occurred), never past today.
                Streams each sealed day's parts, checked against its manifest; unsealed and
                open days are not read, and days not complete are named (days.incomplete,
                complete: false, and a line on stderr). Prints {complete, days, checked, replayable,
                notReplayable, explicitPoints, differenceCount, differences (the first
                --max-listed, default 100), notReplayableEntries, exportProblems}; exits 1 on
                any difference or any part that does not match its seal. The bucket: --bucket
                or RRR_AUDIT_BUCKET (AWS, or --endpoint), else the local service's
  replay        --tenant ID --account ID [--account ID ...] [--from INSTANT] [--to INSTANT]
                the named accounts only: each account's ledger over the admin API (never a
                scan), every difference listed; the same report without the days. Both
                modes exit 1 on any difference. Earns from before the event was stored are
                "not replayable"
  expire        [--tenant ID] [--as-of 2027-01-01T00:00:00Z]
                runs the expiry sweep now, the scheduled job's own code, against the local
                service's table (no HTTP route: SPEC section 10 has none): every tenant, or
                one; as of now or of --as-of. Writes one EXPIRE entry per lot due, never twice;
                prints {tenants, expiredLots, points, complete} (complete false: run it again).
                --tenant also adds a tenant stored before the tenant directory to it.
                On AWS, invoke the ExpirySweep function instead.
  reconcile-reports --tenant ID
                compares the reports read model (day flows, liability by expiry month and
                point type) with what the tenant's ledger implies, against the local service's
                table: reads every points-wallet ledger entry of the tenant by a Scan of the
                table (filtered to the tenant; an operator's check, never a request's) plus
                the report items (16 queries). Prints {tenantId, entries, days, liabilityKeys,
                differences}; exits 1 on any difference.

Options:
  --token JWT             the operator token to send (default: RRR_OPERATOR_TOKEN, else the
                          local platform admin's); approving needs another operator than the
                          requester, e.g. a second local tenant admin:
                          --token "$(npm run -s operator-token -- --role tenant_admin --tenant demo --subject alice)"
  --idempotency-key KEY   send this Idempotency-Key (default: a fresh one per call)
  -h, --help              this text

Talks to RRR_BASE_URL with RRR_OPERATOR_TOKEN or --token (both needed for a deployed stage),
or by default to the local service (npm start) with the platform admin token from
.local/credentials.json (RRR_LOCAL_DIR to look elsewhere). Prints the JSON answer; exits 1 on
a refusal, 2 on a usage mistake.`,
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    name: { type: 'string' },
    'time-zone': { type: 'string' },
    sections: { type: 'string' },
    'effective-from': { type: 'string' },
    scopes: { type: 'string' },
    label: { type: 'string' },
    'expires-at': { type: 'string' },
    key: { type: 'string' },
    'overlap-seconds': { type: 'string' },
    reason: { type: 'string' },
    account: { type: 'string', multiple: true },
    kind: { type: 'string' },
    until: { type: 'string' },
    lock: { type: 'string' },
    points: { type: 'string' },
    ticket: { type: 'string' },
    note: { type: 'string' },
    status: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    id: { type: 'string' },
    token: { type: 'string' },
    'idempotency-key': { type: 'string' },
    'as-of': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'late-days': { type: 'string' },
    'max-listed': { type: 'string' },
    bucket: { type: 'string' },
    endpoint: { type: 'string' },
    file: { type: 'string' },
    out: { type: 'string' },
  },
} as const;

/** `--points -50` reads as `--points=-50` (parseArgs would take -50 for an option and refuse it). */
const args = process.argv
  .slice(2)
  .flatMap((arg, i, all) =>
    arg === '--points' && /^-\d/.test(all[i + 1] ?? '') ? [] : all[i - 1] === '--points' && /^-\d/.test(arg) ? [`--points=${arg}`] : [arg],
  );
const { positionals, values } = parseCli(spec, args);

const tenantPath = () => `/api/v1/admin/tenants/${encodeURIComponent(requiredOption('tenant', values.tenant))}`;
const keyPath = () => `${tenantPath()}/keys/${encodeURIComponent(requiredOption('key', values.key))}`;

/** The one --account of a command about one account (replay takes several). */
function oneAccount(): string {
  if ((values.account?.length ?? 0) > 1) throw new UsageError('--account is given more than once');
  return requiredOption('account', values.account?.[0]);
}

const locksPath = () => `${tenantPath()}/accounts/${encodeURIComponent(oneAccount())}/locks`;

/** Configuration sections as JSON: `{"redemption":{"minPoints":4000}}`. */
function sectionsOption(raw: string): Record<string, unknown> {
  let sections: unknown;
  try {
    sections = JSON.parse(raw);
  } catch {
    throw new UsageError(`--sections must be a JSON object such as '{"redemption":{"minPoints":4000}}', not "${raw}"`);
  }
  if (typeof sections !== 'object' || sections === null || Array.isArray(sections)) {
    throw new UsageError(`--sections must be a JSON object such as '{"redemption":{"minPoints":4000}}'`);
  }
  return sections as Record<string, unknown>;
}

function instantOption(name: 'expires-at' | 'until' | 'effective-from' | 'as-of' | 'from' | 'to'): string | undefined {
  const raw = values[name];
  if (raw !== undefined && Number.isNaN(Date.parse(raw)))
    throw new UsageError(`--${name} must be an ISO 8601 instant such as 2027-01-01T00:00:00Z, not "${raw}"`);
  return raw;
}

const expiresAt = () => instantOption('expires-at');

/** A required option with a fixed set of values, checked here so a typo is a usage mistake, not a 400. */
function choiceOption(name: string, raw: string | undefined, choices: readonly string[]): string {
  const value = requiredOption(name, raw);
  if (!choices.includes(value)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not "${value}"`);
  return value;
}

const approvalPath = () => `${tenantPath()}/approvals/${encodeURIComponent(requiredOption('id', values.id))}`;

const commands: Record<string, () => { method: string; path: string; body?: unknown; pages?: boolean }> = {
  'create-tenant': () => ({
    method: 'POST',
    path: '/api/v1/admin/tenants',
    body: {
      tenantId: requiredOption('tenant', values.tenant),
      displayName: requiredOption('name', values.name),
      ...(values['time-zone'] ? { timeZone: values['time-zone'] } : {}),
      ...(values.sections !== undefined ? { config: sectionsOption(values.sections) } : {}),
    },
  }),
  'create-key': () => {
    const expiry = expiresAt();
    return {
      method: 'POST',
      path: `${tenantPath()}/keys`,
      body: {
        scopes: requiredOption('scopes', values.scopes)
          .split(',')
          .filter((scope) => scope !== ''),
        ...(values.label ? { label: values.label } : {}),
        ...(expiry ? { expiresAt: expiry } : {}),
      },
    };
  },
  config: () => ({ method: 'GET', path: `${tenantPath()}/config` }),
  'set-config': () => {
    const path = `${tenantPath()}/config`;
    const sections = sectionsOption(requiredOption('sections', values.sections));
    const effectiveFrom = instantOption('effective-from');
    return { method: 'PUT', path, body: { ...(effectiveFrom ? { effectiveFrom } : {}), ...sections } };
  },
  'list-keys': () => ({ method: 'GET', path: `${tenantPath()}/keys`, pages: true }),
  'rotate-key': () => {
    const overlapSeconds = integerOption('overlap-seconds', values['overlap-seconds'], 0, 604_800);
    return { method: 'POST', path: `${keyPath()}/rotate`, body: overlapSeconds === undefined ? {} : { overlapSeconds } };
  },
  'revoke-key': () => ({ method: 'POST', path: `${keyPath()}/revoke`, body: { reason: requiredOption('reason', values.reason) } }),
  lock: () => {
    const until = instantOption('until');
    return {
      method: 'POST',
      path: locksPath(),
      body: { kind: requiredOption('kind', values.kind), reasonCode: requiredOption('reason', values.reason), ...(until ? { until } : {}) },
    };
  },
  unlock: () => ({
    method: 'POST',
    path: `${locksPath()}/${encodeURIComponent(requiredOption('lock', values.lock))}/lift`,
    body: { reasonCode: requiredOption('reason', values.reason) },
  }),
  adjust: () => {
    const accountId = oneAccount();
    const points = integerOption('points', requiredOption('points', values.points), -MAX_ADJUSTMENT_POINTS, MAX_ADJUSTMENT_POINTS)!;
    if (points === 0) throw new UsageError('--points must not be zero');
    return {
      method: 'POST',
      path: `${tenantPath()}/adjustments`,
      body: {
        accountId,
        points,
        reasonCode: choiceOption('reason', values.reason, ADJUSTMENT_REASON_CODES),
        ticket: requiredOption('ticket', values.ticket),
        note: requiredOption('note', values.note),
      },
    };
  },
  'approvals list': () => {
    const query = new URLSearchParams();
    if (values.status !== undefined) query.set('status', choiceOption('status', values.status, APPROVAL_STATUSES));
    const limit = integerOption('limit', values.limit, 1, 100);
    if (limit !== undefined) query.set('limit', String(limit));
    if (values.cursor !== undefined) query.set('cursor', requiredOption('cursor', values.cursor));
    const search = query.toString();
    return { method: 'GET', path: `${tenantPath()}/approvals${search ? `?${search}` : ''}` };
  },
  'approvals show': () => ({ method: 'GET', path: approvalPath() }),
  'approvals approve': () => ({
    method: 'POST',
    path: `${approvalPath()}/approve`,
    body: values.note !== undefined ? { note: requiredOption('note', values.note) } : {},
  }),
  'approvals reject': () => ({
    method: 'POST',
    path: `${approvalPath()}/reject`,
    body: { reasonCode: choiceOption('reason', values.reason, APPROVAL_REJECT_REASON_CODES) },
  }),
};

const APPROVAL_SUBCOMMANDS = Object.keys(commands)
  .filter((name) => name.startsWith('approvals '))
  .map((name) => name.slice('approvals '.length));
const COMMAND_NAMES = [
  ...Object.keys(commands).filter((name) => !name.startsWith('approvals ')),
  'bulk-adjust',
  'approvals',
  'replay',
  'expire',
  'reconcile-reports',
];

function localCredentialsPath(): string {
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  return join(resolve(process.env.RRR_LOCAL_DIR ?? join(repoRoot, '.local')), 'credentials.json');
}

/**
 * Points this process at the local service's table (its endpoint from .local/credentials.json),
 * for the commands that run a job in-process. Before the job's modules load: they read the
 * table and endpoint once, on import.
 */
async function useLocalTable(): Promise<void> {
  const path = localCredentialsPath();
  let credentials: { dynamodbEndpoint?: string; tableName?: string };
  try {
    credentials = JSON.parse(await readFile(path, 'utf8')) as typeof credentials;
  } catch {
    throw new Error(`no local service credentials in ${path}: start it with npm start`);
  }
  if (!credentials.dynamodbEndpoint) throw new Error(`no dynamodbEndpoint in ${path}: restart the local service (npm start)`);
  localAwsEnv(credentials.dynamodbEndpoint, credentials.tableName ?? LOCAL_TABLE_NAME);
}

/**
 * `expire`: the scheduled job's module run here, against the local service's DynamoDB (its
 * endpoint from .local/credentials.json). Refused with RRR_BASE_URL: a deployed stage runs it
 * as its ExpirySweep function.
 */
async function expireNow(extra: string[]): Promise<void> {
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (process.env.RRR_BASE_URL)
    throw new UsageError('expire runs against the local service only: on a deployed stage invoke its ExpirySweep function');
  if (values.tenant === '') throw new UsageError('--tenant is empty');
  const asOf = instantOption('as-of');
  await useLocalTable();
  const { sweepAllTenants } = await import('../functions/usecases/expire-lots.ts');
  const { getTenantConfigNow, joinTenantDirectory } = await import('../functions/store/tenants.ts');
  if (values.tenant !== undefined) {
    if ((await getTenantConfigNow(values.tenant)) === undefined) throw new Error(`no tenant "${values.tenant}" in the local service`);
    // A tenant stored before the tenant directory existed joins it: the scheduled sweeps list it from now on.
    await joinTenantDirectory(values.tenant);
  }
  const { summary } = await sweepAllTenants({
    ...(asOf ? { asOf: new Date(asOf).toISOString() } : {}),
    ...(values.tenant !== undefined ? { tenantIds: [values.tenant] } : {}),
    runId: `admin-expire:${randomUUID()}`,
  });
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = 0;
}

/**
 * `reconcile-reports`: the reports read model against the tenant's ledger, in the local
 * service's table (its endpoint from .local/credentials.json), by functions/reports/reconcile.ts.
 * Refused with RRR_BASE_URL (a deployed stage's table is read with AWS credentials, not here).
 */
async function reconcileReportsNow(extra: string[]): Promise<void> {
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (process.env.RRR_BASE_URL) throw new UsageError('reconcile-reports runs against the local service only');
  const tenantId = requiredOption('tenant', values.tenant);
  if (!isTenantId(tenantId)) throw new UsageError(`--tenant must be a tenant id (lower-case letters, digits, dashes), not "${tenantId}"`);
  await useLocalTable();
  const { getTenantConfigNow } = await import('../functions/store/tenants.ts');
  if ((await getTenantConfigNow(tenantId)) === undefined) throw new Error(`no tenant "${tenantId}" in the local service`);
  const { reconcileReports } = await import('../functions/reports/reconcile.ts');
  const report = await reconcileReports(tenantId);
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.differences.length > 0 ? 1 : 0;
}

/**
 * `replay`: the tenant's configuration versions over the admin API, then either each named
 * account's whole ledger over the same API (a per-account walk, page by page), or, without
 * --account, every earn of the tenant from its sealed audit export (scripts/replay-tenant.ts).
 * Never a scan of the table. Every purchase earn is recomputed by functions/domain/replay.ts;
 * exit 1 on any difference.
 */
async function replay(extra: string[]): Promise<void> {
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const tenant = tenantPath();
  const tenantId = values.tenant!;
  if (!isTenantId(tenantId)) throw new UsageError(`--tenant must be a tenant id (lower-case letters, digits, dashes), not "${tenantId}"`);
  const accounts = values.account ?? [];
  if (accounts.some((account) => account === '')) throw new UsageError('--account is empty');
  const from = instantOption('from');
  const to = instantOption('to');
  if (from && to && Date.parse(from) >= Date.parse(to)) throw new UsageError('--from must be before --to');
  const window = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const exportOnly = (['late-days', 'max-listed', 'bucket', 'endpoint'] as const).find((name) => values[name] !== undefined);
  if (accounts.length > 0 && exportOnly) throw new UsageError(`--${exportOnly} is for a whole-tenant replay (without --account)`);
  const lateDays = integerOption('late-days', values['late-days'], 0, MAX_LATE_DAYS) ?? MAX_LATE_DAYS;
  const listLimit = integerOption('max-listed', values['max-listed'], 0, 100_000) ?? DEFAULT_LIST_LIMIT;
  const bucket = values.bucket || process.env.RRR_AUDIT_BUCKET || undefined;
  if (accounts.length === 0 && process.env.RRR_BASE_URL && !bucket) {
    throw new UsageError("RRR_BASE_URL is set but no audit bucket is: set RRR_AUDIT_BUCKET (or --bucket) to that stage's AuditBucketName");
  }
  const { baseUrl, token } = await target();
  const get = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${text.replace(/\s+/g, ' ')}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const config = (await get(`${tenant}/config`)) as unknown as TenantConfig;
  if (accounts.length === 0) {
    process.exitCode = await replayWholeTenant({ config, window, lateDays, listLimit, bucket, endpoint: values.endpoint });
    return;
  }
  const entries: LedgerEntry[] = [];
  for (const accountId of [...new Set(accounts)]) {
    let cursor: string | undefined;
    do {
      const page = (await get(
        `${tenant}/accounts/${encodeURIComponent(accountId)}/ledger?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )) as { items: LedgerEntry[]; nextCursor?: string };
      entries.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  entries.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.seq - b.seq);
  const report = replayEarns(entries, config, window);
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.differences.length > 0 ? 1 : 0;
}

/**
 * `bulk-adjust`: every row of a CSV file as one adjustment request (scripts/bulk-adjust.ts),
 * under a key made from its row id; the results as CSV in file order.
 */
async function bulkAdjust(extra: string[]): Promise<void> {
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const tenantId = requiredOption('tenant', values.tenant);
  if (!isTenantId(tenantId)) throw new UsageError(`--tenant must be a tenant id (lower-case letters, digits, dashes), not "${tenantId}"`);
  const file = requiredOption('file', values.file);
  if (values.out === '') throw new UsageError('--out is empty');
  if (values.note === '') throw new UsageError('--note is empty');
  const outPath = values.out ?? `${file}.results.csv`;
  if (resolve(outPath) === resolve(file)) throw new UsageError('--out must not be the input file');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let rows: ReturnType<typeof planBulkFile>;
  try {
    rows = planBulkFile(text, tenantId, values.note);
  } catch (error) {
    if (error instanceof BulkFileError) throw new Error(`${file}: ${error.message}`);
    throw error;
  }
  const { baseUrl, token } = await target();
  const tty = process.stderr.isTTY === true;
  const summary = await runBulk(rows, {
    baseUrl,
    token,
    tenantId,
    outPath,
    ...(tty ? { onProgress: (done, progress) => process.stderr.write(`\r${progressBar(done, progress)}\x1b[K`) } : {}),
  });
  if (tty && rows.length > 0) process.stderr.write('\n');
  process.stderr.write(`${summaryLine(summary)}; results in ${outPath}\n`);
  const { requested, replayed } = summary.counts;
  process.exitCode = requested + replayed === summary.rows ? 0 : 1;
}

/** Where to send it: a deployed stage only with an explicit token, never the local one's. */
async function target(): Promise<{ baseUrl: string; token: string }> {
  const baseUrl = process.env.RRR_BASE_URL || undefined;
  if (values.token === '') throw new UsageError('--token is empty');
  const token = values.token ?? (process.env.RRR_OPERATOR_TOKEN || undefined);
  if (baseUrl !== undefined && token === undefined) {
    throw new UsageError('RRR_BASE_URL is set but RRR_OPERATOR_TOKEN is not: set the operator token for that stage (or pass --token)');
  }
  if (baseUrl !== undefined && token !== undefined) return { baseUrl, token };
  const path = localCredentialsPath();
  let credentials: { baseUrl: string; platformAdminToken: string };
  try {
    credentials = JSON.parse(await readFile(path, 'utf8')) as typeof credentials;
  } catch {
    throw new Error(`no local service credentials in ${path}: start it with npm start, or set RRR_BASE_URL and RRR_OPERATOR_TOKEN`);
  }
  return { baseUrl: credentials.baseUrl, token: token ?? credentials.platformAdminToken };
}

await runCli(spec, async () => {
  const [first, ...rest] = positionals;
  if (first === undefined) throw new UsageError(`a command is required: one of ${COMMAND_NAMES.join(', ')}`);
  if (first === 'expire') return expireNow(rest);
  if (first === 'replay') return replay(rest);
  if (first === 'bulk-adjust') return bulkAdjust(rest);
  if (first === 'reconcile-reports') return reconcileReportsNow(rest);
  let name = first;
  let extra = rest;
  if (first === 'approvals') {
    const [sub, ...after] = rest;
    if (sub === undefined) throw new UsageError(`approvals needs a subcommand: one of ${APPROVAL_SUBCOMMANDS.join(', ')}`);
    if (!APPROVAL_SUBCOMMANDS.includes(sub))
      throw new UsageError(`unknown approvals subcommand "${sub}": use one of ${APPROVAL_SUBCOMMANDS.join(', ')}`);
    name = `approvals ${sub}`;
    extra = after;
  }
  const build = first.startsWith('approvals ') ? undefined : commands[name];
  if (build === undefined) throw new UsageError(`unknown command "${first}": use one of ${COMMAND_NAMES.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const request = build();
  const { baseUrl, token } = await target();
  const send = (path: string) =>
    fetch(`${baseUrl}${path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(request.body !== undefined
          ? { 'content-type': 'application/json', 'idempotency-key': values['idempotency-key'] ?? randomUUID() }
          : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
  if (request.pages) {
    // Lists come a page at a time: follow nextCursor and print every item as one list.
    const items: unknown[] = [];
    let cursor: string | undefined;
    do {
      const response = await send(`${request.path}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      const text = await response.text();
      if (!response.ok) {
        console.log(text ? JSON.stringify(JSON.parse(text), null, 2) : `${response.status}`);
        process.exitCode = 1;
        return;
      }
      const page = JSON.parse(text) as { items: unknown[]; nextCursor?: string };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    console.log(JSON.stringify({ items }, null, 2));
    process.exitCode = 0;
    return;
  }
  const response = await send(request.path);
  const text = await response.text();
  console.log(text ? JSON.stringify(JSON.parse(text), null, 2) : `${response.status}`);
  process.exitCode = response.ok ? 0 : 1;
});
