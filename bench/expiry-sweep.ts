/**
 * `npm run bench:expiry`: what the expiry sweep costs per expired lot (one EXPIRE entry each)
 * and per command (one per account and expiry instant: DynamoDB calls, read and write units), and what a run with nothing due costs a tenant (the
 * floor of the hourly schedule). Seeds accounts with expired lots straight into a fresh table
 * on its own DynamoDB Local, sweeps each case's tenant once as of now, then again (nothing
 * due), and replaces its own section of bench/results.md (between the expiry-sweep markers),
 * leaving the rest of the file alone.
 *
 * Units are DynamoDB Local's (ReturnConsumedCapacity, bench/capacity-meter.ts) beside the write
 * units estimated for AWS from item sizes (2 per started KB of each transactional Put).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { localLambdaContext } from '../local/gateway/lambda-context.ts';
import { prepareBenchTable } from './bench-table.ts';
import { installCapacityMeter, type Tally } from './capacity-meter.ts';
import { putAccountEvent } from './handler-event.ts';
import { EXPIRY_MARKERS, writeSection } from './results-section.ts';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100);
const TABLE = 'bench-expiry';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

/** Per account: lots held, of which expired (two a day, so two expired lots share an instant). */
const CASES = [
  { name: 'one lot per instant', lots: 3, expired: 1 },
  { name: 'two lots per instant, two instants', lots: 6, expired: 4 },
] as const;

interface Row {
  name: string;
  accounts: number;
  lots: number;
  commands: number;
  calls: Record<string, number>;
  totalCalls: number;
  readUnits: number;
  writeUnits: number;
  estimatedWriteUnits: number;
  seconds: number;
}

const sumCalls = (tally: Tally) => Object.values(tally.calls).reduce((sum, n) => sum + n, 0);
const per = (value: number, n: number) => (n === 0 ? '–' : (value / n).toFixed(2));
const callList = (calls: Record<string, number>) =>
  Object.entries(calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([command, n]) => `${command.replace(/Command$/, '')} ${n}`)
    .join(', ');

async function main(): Promise<void> {
  const dynamo = await startDynamoDbLocal({});
  try {
    await prepareBenchTable(dynamo.endpoint, TABLE);
    // Store and handler modules read their configuration on load: imported only now.
    const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
    const { getDocumentClient } = await import('../functions/store/client.ts');
    const { sweepTenantExpiry } = await import('../functions/usecases/expire-lots.ts');
    const { lotsFor, seedLots } = await import('../test/support/seed-lots.ts');
    const putAccount = (await import('../functions/api/handlers/put-account.ts')).handler as Handler;
    const meter = installCapacityMeter(getDocumentClient());

    const rows: Row[] = [];
    let idle: Row | undefined;
    for (const [c, spec] of CASES.entries()) {
      // A tenant per case: a sweep's mark passes the days it has done, and these lots are seeded in the past.
      const tenant = await provisionTenant({
        tenantId: `expiry-${c}`,
        displayName: spec.name,
        limits: { accountWritesPerMinute: 1_000_000_000 },
      });
      const who = { tenantId: tenant.tenantId, keyId: tenant.keyId };
      const now = new Date().toISOString();
      for (let a = 0; a < ACCOUNTS; a += 1) {
        const accountId = `acct-${a}`;
        const event = putAccountEvent(who, accountId, `put-${c}-${a}-${process.pid}`);
        const result = await putAccount(event, localLambdaContext('bench', event.requestContext.requestId));
        if (result.statusCode !== 201) throw new Error(`bench: put account ${result.statusCode} ${result.body}`);
        await seedLots(tenant.tenantId, accountId, lotsFor(spec.lots, spec.expired, now, 100), now);
      }
      meter.take();
      const started = performance.now();
      const report = await sweepTenantExpiry({ tenantId: tenant.tenantId, asOf: now, runId: `bench-${c}` });
      const seconds = (performance.now() - started) / 1000;
      const tally = meter.take();
      if (report.lotsExpired !== ACCOUNTS * spec.expired || !report.complete)
        throw new Error(`bench: expected ${ACCOUNTS * spec.expired} lots expired, got ${JSON.stringify(report)}`);
      rows.push({
        name: spec.name,
        accounts: ACCOUNTS,
        lots: report.lotsExpired,
        commands: report.committed,
        calls: tally.calls,
        totalCalls: sumCalls(tally),
        readUnits: tally.readUnits,
        writeUnits: tally.writeUnits,
        estimatedWriteUnits: tally.estimatedWriteUnits,
        seconds,
      });
      // The next hourly run: nothing due any more.
      const again = await sweepTenantExpiry({ tenantId: tenant.tenantId, asOf: new Date().toISOString(), runId: `bench-${c}-again` });
      const idleTally = meter.take();
      if (again.lotsExpired !== 0) throw new Error(`bench: a second sweep expired ${again.lotsExpired} lots`);
      idle ??= {
        name: 'nothing due (next run)',
        accounts: ACCOUNTS,
        lots: 0,
        commands: 0,
        calls: idleTally.calls,
        totalCalls: sumCalls(idleTally),
        readUnits: idleTally.readUnits,
        writeUnits: idleTally.writeUnits,
        estimatedWriteUnits: idleTally.estimatedWriteUnits,
        seconds: 0,
      };
    }

    const table = [
      '| case | lots expired (one EXPIRE entry each) | commands (account, instant) | calls per lot | read units per lot | write units per lot (Local) | write units per lot (est. AWS) | write units per command (est. AWS) | calls (all) | lots per second (Local) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.lots} | ${r.commands} | ${per(r.totalCalls, r.lots)} | ${per(r.readUnits, r.lots)} | ${per(r.writeUnits, r.lots)} | ${per(r.estimatedWriteUnits, r.lots)} | ${per(r.estimatedWriteUnits, r.commands)} | ${callList(r.calls)} | ${(r.lots / r.seconds).toFixed(0)} |`,
      ),
    ].join('\n');
    const idleLine = idle
      ? `A tenant's run with nothing due: ${idle.totalCalls} calls (${callList(idle.calls)}), ${idle.readUnits} read units, ${idle.writeUnits} write units: the floor of the hourly schedule per tenant.`
      : '';
    const note = `Run ${new Date().toISOString()}, Node ${process.version}, DynamoDB Local; ${ACCOUNTS} accounts per case, lots of 100 points seeded straight into the table (two a day, expired on the days before the run), one sweep as of now (bench/expiry-sweep.ts). Each (account, expiry instant) is one command, one EXPIRE entry per lot: a strongly consistent read of the account and the one lot page (BatchGetItem), then one TransactWriteItems (idempotency record, account, page, ledger entry); the index Queries (16 shards per day from the tenant's mark) and the mark's GetItem and PutItem are shared by the whole run.`;
    const section = [
      EXPIRY_MARKERS[0],
      '## Expiry sweep: cost per expired lot (`npm run bench:expiry`)',
      '',
      table,
      '',
      idleLine,
      '',
      note,
      EXPIRY_MARKERS[1],
    ].join('\n');
    console.log(`${table}\n\n${idleLine}\n\n${note}`);
    writeSection(EXPIRY_MARKERS, section);
    console.log('\nwritten to bench/results.md (its expiry-sweep section)');
  } finally {
    await dynamo.stop();
  }
}

await main();
