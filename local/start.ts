import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_TABLE_NAME, localAwsEnv } from './aws-env.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { ensureTable } from './ensure-table.ts';
import { createGateway } from './gateway.ts';
import { assertJavaAvailable, JavaMissingError } from './java.ts';
import { loadLocalSecrets } from './local-secrets.ts';
import { planRateLimit } from '../lib/partner-plans.ts';
import { loadOperatorIssuer } from './operator-issuer-key.ts';
import { readJsonIfExists, writePrivateJson } from './private-file.ts';
import { localS3Env, startLocalS3, type LocalS3 } from './s3-local.ts';
import type { KeptDemoKey } from './demo-key.ts';
import { fanOut } from './stream-consumers.ts';
import { createStreamPoller, type StreamPoller } from './stream-poller.ts';
import { startLocalWorkflows } from './local-workflows.ts';
import type { LocalStepFunctions } from './step-functions-server.ts';
import { parseCli } from '../scripts/cli-args.ts';

/** Scripts and tests wait for exactly this line on stdout. */
export const READY_LINE = 'RedRoomRewards local service ready';

const TABLE_NAME = LOCAL_TABLE_NAME;
const DEMO_TENANT = { tenantId: 'demo', displayName: 'Demo tenant' };
const DEFAULT_PORT = 3000;
/** Printed operator tokens last a working day; the CLI mints more. */
const TOKEN_TTL_SECONDS = 12 * 3600;
/** How often the stream poller seals changed closed days offline (the hourly workflow's work on AWS); markers persist, so days missed while stopped are sealed on the next start. */
const SEAL_EVERY_MS = 60_000;
/** How often the expiry sweep runs offline (hourly on AWS, lib/schedules.ts): each run is cheap when nothing is due, and idempotent. */
const EXPIRE_EVERY_MS = 60_000;
/** At most this long per offline sweep (it stops taking work 10 s before the end). */
const EXPIRE_BUDGET_MS = 30_000;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** How soon the service notices that the process that started it is gone. */
const PARENT_POLL_MS = 500;

/** What has been started so far, so any exit path can stop exactly that. */
const running: { server?: Server; dynamo?: DynamoDbLocal; s3?: LocalS3; poller?: StreamPoller; workflows?: LocalStepFunctions } = {};
let shuttingDown = false;

async function main(): Promise<void> {
  const inMemory = options['in-memory'] === true;
  const port = parsePort(process.env.PORT);

  await assertJavaAvailable();
  const localDir = resolve(process.env.RRR_LOCAL_DIR ?? join(repoRoot, '.local'));
  await mkdir(localDir, { recursive: true, mode: 0o700 });

  // Set before any handler module loads: they read the key once, on import.
  process.env.HASH_KEY = (await loadLocalSecrets(inMemory ? undefined : localDir)).hashKey;

  const dataDir = inMemory ? undefined : join(localDir, 'dynamodb');
  running.dynamo = await startDynamoDbLocal(dataDir === undefined ? {} : { dataDir });
  await ensureTable(running.dynamo.endpoint, TABLE_NAME);
  localAwsEnv(running.dynamo.endpoint, TABLE_NAME);
  const s3Dir = inMemory ? undefined : join(localDir, 's3');
  running.s3 = await startLocalS3(s3Dir === undefined ? {} : { directory: s3Dir });
  localS3Env(running.s3);
  // Step Functions for the workflows the functions start (approvals), from the deployed definitions.
  running.workflows = await startLocalWorkflows(repoRoot, {
    onTaskError: (state, error) => console.error(`[workflow] ${state}: ${error.message}`),
    log: (line) => console.error(`[workflow] ${line}`),
  });

  // Imported only now, after the environment above, exactly as a Lambda cold start would.
  const { ensureTenant } = await import('../functions/usecases/provision-tenant.ts');
  const { keepDemoKey } = await import('./demo-key.ts');
  const { routes } = await import('../functions/api/manifest.ts');
  const { authorizePartnerRequest } = await import('../functions/api/authorizer.ts');
  const exporter = await import('../functions/streams/audit-export.ts');
  const reports = await import('../functions/streams/reports.ts');
  // The AuditSeal workflow's definition and task handlers (functions/workflows/definitions.ts), run in-process.
  const { auditSealWorkflow } = await import('../functions/workflows/definitions.ts');
  const { loadTaskHandlers, runWorkflow } = await import('./workflow-runner.ts');
  const sealTasks = await loadTaskHandlers(auditSealWorkflow, repoRoot);
  // The ExpirySweep job's own code (functions/scheduled/expire-lots.ts calls the same), not its Lambda logger.
  const { sweepAllTenants } = await import('../functions/usecases/expire-lots.ts');
  let lastSweep = 0;

  const credentialsPath = join(localDir, 'credentials.json');
  await ensureTenant(DEMO_TENANT);
  const { resumeOpenApprovals } = await import('./resume-approvals.ts');
  const { resumeOpenHolds } = await import('./resume-holds.ts');
  const resumed = inMemory ? 0 : (await resumeOpenApprovals()) + (await resumeOpenHolds());
  // With kept data, the demo key of the last run stays the one demo key; in memory, a fresh one.
  const kept = inMemory ? undefined : ((await readJsonIfExists(credentialsPath)) as KeptDemoKey | undefined);
  const demoKey = await keepDemoKey(DEMO_TENANT.tenantId, kept);
  const demo = { tenantId: DEMO_TENANT.tenantId, partnerKey: demoKey.partnerKey };
  const operators = await loadOperatorIssuer(localDir, !inMemory);
  const platformAdminToken = await operators.mint({
    subject: 'local-platform-admin',
    roles: ['platform_admin'],
    ttlSeconds: TOKEN_TTL_SECONDS,
  });
  const tenantAdminToken = await operators.mint({
    subject: 'local-demo-admin',
    roles: ['tenant_admin'],
    tenantId: demo.tenantId,
    ttlSeconds: TOKEN_TTL_SECONDS,
  });
  running.server = createGateway({
    routes,
    rootDir: repoRoot,
    authorizePartner: authorizePartnerRequest,
    authorizeOperator: operators.authorize,
    log: true,
    // Each tenant is throttled by its plan's limits, as on a deployed stage.
    partnerKeyRateLimit: planRateLimit,
  });
  const baseUrl = await listen(running.server, port);

  // The stream to the audit bucket and the reports read model, as the two event source mappings
  // and the hourly AuditSeal workflow do on AWS: one poller, both consumers (local/stream-consumers.ts).
  running.poller = createStreamPoller({
    dynamodbEndpoint: running.dynamo.endpoint,
    tableName: TABLE_NAME,
    handler: fanOut([exporter.handler, reports.handler]),
    ...(inMemory ? {} : { checkpointFile: join(localDir, 'stream-checkpoints.json') }),
    log: (message) => console.error(`[audit export] ${message}`),
    tick: {
      everyMs: SEAL_EVERY_MS,
      // The workflow AWS runs, the same definition: plan the changed closed days, then each day
      // planned, sealed in ranges and joined, a failure stopping only its own day. Each failed
      // task call is logged, as each is a Lambda error (and alarm) on AWS.
      run: async () => {
        await runWorkflow(
          auditSealWorkflow.definition,
          sealTasks,
          {},
          {
            onTaskError: (state, error) => console.error(`[audit seal] ${state}: ${error.message}`),
          },
        ).catch((error: unknown) => console.error(`[audit seal] ${oneLine(error)}`));
        // Then the expiry sweep, as the hourly ExpirySweep job on AWS: a failure is one line, and the next tick tries again.
        if (Date.now() - lastSweep < EXPIRE_EVERY_MS) return;
        lastSweep = Date.now();
        try {
          // Bounded, as the Lambda is by its timeout: the tick holds up the stream poller while it runs; the next one goes on.
          const deadline = lastSweep + EXPIRE_BUDGET_MS;
          const { summary } = await sweepAllTenants({
            runId: `local-expiry-sweep:${new Date().toISOString()}`,
            remainingMs: () => deadline - Date.now(),
          });
          if (summary.expiredLots > 0 || !summary.complete) console.error(`[expiry sweep] ${JSON.stringify(summary)}`);
        } catch (error) {
          console.error(`[expiry sweep] failed: ${oneLine(error)}`);
        }
      },
    },
  });
  running.poller.start();

  await writePrivateJson(credentialsPath, {
    baseUrl,
    tenantId: demo.tenantId,
    partnerKey: demo.partnerKey,
    partnerKeyId: demoKey.keyId,
    dynamodbEndpoint: running.dynamo.endpoint,
    tableName: TABLE_NAME,
    platformAdminToken,
    tenantAdminToken,
    s3Endpoint: running.s3.endpoint,
    auditBucket: running.s3.bucket,
  });

  console.log(
    [
      '',
      'RedRoomRewards local service',
      `  base URL     ${baseUrl}`,
      `  tenant       ${demo.tenantId}`,
      `  partner key  ${demo.partnerKey} (${demoKey.keyId}, ${demoKey.reused ? 'kept from the last run' : 'new'})`,
      `  operator tokens (12 h) in ${displayPath(credentialsPath)}; more: npm run operator-token -- --role support --tenant demo`,
      `  DynamoDB     ${running.dynamo.endpoint} (${dataDir === undefined ? 'in memory' : `data in ${displayPath(dataDir)}`})`,
      `  audit S3     ${running.s3.endpoint} bucket ${running.s3.bucket} (${s3Dir === undefined ? 'temporary' : `objects in ${displayPath(s3Dir)}`}); npx rrr-audit list`,
      `  workflows    Step Functions on ${running.workflows.endpoint} (approvals, redemption holds${resumed > 0 ? `; ${resumed} open request(s) and hold(s) resumed` : ''})`,
      `  credentials  ${displayPath(credentialsPath)}`,
      '',
      'Try:',
      `  curl -s ${baseUrl}/api/v1/health`,
      `  curl -s -X PUT -H 'x-api-key: ${demo.partnerKey}' -H 'content-type: application/json' \\`,
      `    -H 'idempotency-key: demo-1' -d '{"profile":{"profileId":"p-1","role":"CONSUMER"}}' \\`,
      `    ${baseUrl}/api/v1/accounts/member-1`,
      `  curl -s -H 'x-api-key: ${demo.partnerKey}' '${baseUrl}/api/v1/balance?accountId=member-1'`,
      '',
      READY_LINE,
    ].join('\n'),
  );
}

/** `PORT=0` asks for any free port. */
function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a number from 0 to 65535, not "${raw}"`);
  return port;
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd.startsWith('..') ? path : fromCwd;
}

async function stopEverything(): Promise<void> {
  const { server, dynamo, s3, poller, workflows } = running;
  if (server !== undefined) {
    const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    // Keep-alive connections would otherwise hold close() open until they time out.
    server.closeAllConnections();
    await closed;
  }
  // The batch in hand finishes (and is checkpointed) before its database and bucket go away.
  await poller?.stop();
  // Waiting executions end here; open requests are resumed at the next start.
  await workflows?.close();
  await s3?.stop();
  // Awaited so that Java is gone before this process reports success.
  await dynamo?.stop();
}

async function shutDown(exitCode: number): Promise<never> {
  shuttingDown = true;
  try {
    await stopEverything();
  } catch (error) {
    console.error(`Stopping the local service failed: ${oneLine(error)}`);
    exitCode = 1;
  }
  // Also fires the 'exit' hooks that kill a DynamoDB Local still starting.
  process.exit(exitCode);
}

function onSignal(): void {
  // A second Ctrl-C while stopping means "now": the exit hooks still kill Java.
  if (shuttingDown) process.exit(1);
  void shutDown(0);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}

const { values: options } = parseCli({
  command: 'npm start --',
  usage: `Usage: npm start [-- --in-memory]

Runs the whole service offline: DynamoDB Local, the API on PORT (default 3000; PORT=0 picks a
free port), a local S3, the audit stream poller and the approval workflows (local Step
Functions), with a seeded demo tenant. Prints the
base URL and the demo partner key and writes them, with operator tokens, to
.local/credentials.json (RRR_LOCAL_DIR to use another folder).

  --in-memory   keep no data (by default tables and objects are kept in .local/)
  -h, --help    this text

Ctrl-C, SIGTERM or SIGHUP stops everything it started, Java included.`,
  options: { 'in-memory': { type: 'boolean', default: false } },
});

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// A closed terminal.
process.on('SIGHUP', onSignal);
// Output may go to a pipe whose reader is gone (the parent that started us was killed): never crash on it.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
watchParent();

/**
 * `npm start` execs this process (package.json), so its parent is npm: when that parent is
 * gone, whether it forwarded a signal or was killed outright (SIGKILL), the reparented
 * process stops everything rather than running on as an orphan. Started by init (a
 * daemon), there is no parent to watch.
 */
function watchParent(): void {
  const parent = process.ppid;
  if (parent <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    console.error('The process that started the local service is gone: stopping.');
    onSignal();
  }, PARENT_POLL_MS);
  timer.unref();
}

main().catch((error: unknown) => {
  if (shuttingDown) return;
  console.error(error instanceof JavaMissingError ? error.message : `The local service could not start: ${oneLine(error)}`);
  void shutDown(1);
});
