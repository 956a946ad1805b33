/**
 * `npm run bench:history`: what one `GET /api/v1/transactions` costs at 10,000 and 50,000
 * entries, filtered and not, before (the filter applied while paging through the whole
 * history, as the route did until issue 10) and after (seek by time, a read budget per
 * request). Starts its own in-memory DynamoDB Local, seeds the ledgers straight into the
 * table, invokes the route's handler in-process, prints a table and writes it into
 * bench/results.md between its markers (npm run bench keeps the section).
 */
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { prepareBenchTable } from './bench-table.ts';
import { assertJavaAvailable } from '../local/java.ts';
import { partnerEvent } from './handler-event.ts';
import { percentile } from './percentile.ts';
import { HISTORY_MARKERS, writeHistorySection } from './results-section.ts';

const SIZES = [10_000, 50_000];
/** Entry `seq`'s createdAt: one a minute from START, as the seed writes them. */
const createdAtOf = (start: Date, seq: number) => new Date(start.getTime() + (seq - 1) * 60_000).toISOString();
const START = new Date('2020-01-01T00:00:00.000Z');
const RUNS = 3;
const TABLE = 'bench-history';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

interface Meter {
  queries: number;
  gets: number;
  itemsRead: number;
  readUnits: number;
}

/** Counts reads: calls, items evaluated (Query ScannedCount, one per GetItem) and Local's read units. */
function installMeter(client: DynamoDBDocumentClient): { take(): Meter } {
  let meter: Meter = { queries: 0, gets: 0, itemsRead: 0, readUnits: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (command === 'QueryCommand' || command === 'GetItemCommand') input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as { ScannedCount?: number; ConsumedCapacity?: { CapacityUnits?: number }; Item?: unknown };
      if (command === 'QueryCommand') {
        meter.queries += 1;
        meter.itemsRead += output.ScannedCount ?? 0;
      } else if (command === 'GetItemCommand') {
        meter.gets += 1;
        meter.itemsRead += output.Item ? 1 : 0;
      } else return result;
      meter.readUnits += output.ConsumedCapacity?.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'historyBenchMeter' },
  );
  return {
    take() {
      const taken = meter;
      meter = { queries: 0, gets: 0, itemsRead: 0, readUnits: 0 };
      return taken;
    },
  };
}

interface Scenario {
  name: string;
  query: (size: number) => Record<string, string>;
}

/** A day in the middle of the history: 1,440 entries at one a minute. */
const middleDay = (size: number) => ({
  from: createdAtOf(START, Math.floor(size / 2)),
  to: createdAtOf(START, Math.floor(size / 2) + 1_440),
});

const SCENARIOS: Scenario[] = [
  { name: 'unfiltered, first page', query: () => ({}) },
  { name: 'type matching 3 old entries, first page', query: () => ({ type: 'ADJUSTMENT' }) },
  { name: 'from/to: one day in the middle', query: (size) => middleDay(size) },
  { name: 'to: the first 100 minutes', query: () => ({ to: createdAtOf(START, 101) }) },
  { name: 'type and from/to: one day, no match', query: (size) => ({ type: 'REDEEM', ...middleDay(size) }) },
];

interface Row {
  size: number;
  scenario: string;
  version: 'before' | 'after';
  meter: Meter;
  ms: number;
  items: number;
  nextCursor: boolean;
}

/** The route as it was: the filter applied while paging until the page fills or the ledger ends. */
async function before(client: DynamoDBDocumentClient, tenantId: string, accountId: string, q: Record<string, string>): Promise<number> {
  const filters: string[] = [];
  const values: Record<string, unknown> = { ':pk': `T#${tenantId}#A#${accountId}`, ':low': 'L#points#', ':high': 'L#points#~' };
  if (q.type) {
    filters.push('#type = :type');
    values[':type'] = q.type;
  }
  if (q.from) {
    filters.push('createdAt >= :from');
    values[':from'] = q.from;
  }
  if (q.to) {
    filters.push('createdAt < :to');
    values[':to'] = q.to;
  }
  let found = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(q.type ? { ExpressionAttributeNames: { '#type': 'type' } } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: 26,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    found += out.Items?.length ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey && found <= 25);
  return Math.min(found, 25);
}

async function main(): Promise<void> {
  await assertJavaAvailable();
  const dynamo = await startDynamoDbLocal({});
  try {
    await prepareBenchTable(dynamo.endpoint, TABLE);
    const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
    const { getDocumentClient } = await import('../functions/store/client.ts');
    const { HISTORY_READ_BUDGET } = await import('../functions/store/ledger-query.ts');
    const { seedLedger } = await import('../test/support/seed-ledger.ts');
    const { handler: putAccount } = await import('../functions/api/handlers/put-account.ts');
    const { handler: listTransactions } = await import('../functions/api/handlers/list-transactions.ts');
    const client = getDocumentClient();
    const tenant = await provisionTenant({ tenantId: 'bench', displayName: 'Bench' });
    const context = { getRemainingTimeInMillis: () => 10_000, functionName: 'bench' } as unknown as Context;
    const invoke = async (handler: typeof listTransactions, event: ReturnType<typeof partnerEvent>) =>
      (await (handler as unknown as (e: unknown, c: Context) => Promise<APIGatewayProxyResult>)(event, context)) as APIGatewayProxyResult;
    const meter = installMeter(client);
    const rows: Row[] = [];
    for (const size of SIZES) {
      const accountId = `history-${size}`;
      const put = await invoke(
        putAccount,
        partnerEvent({
          tenantId: tenant.tenantId,
          keyId: tenant.keyId,
          method: 'PUT',
          path: `/api/v1/accounts/${accountId}`,
          pathParameters: { accountId },
          body: { profile: { profileId: accountId, role: 'CONSUMER' } },
          idempotencyKey: `create-${accountId}`,
        }),
      );
      if (put.statusCode !== 201) throw new Error(`account: ${put.statusCode} ${put.body}`);
      console.log(`seeding ${size} entries…`);
      await seedLedger({
        tenantId: tenant.tenantId,
        accountId,
        count: size,
        start: START,
        typeOf: (seq) => (seq === 7 || seq === 13 || seq === 29 ? 'ADJUSTMENT' : 'EARN'),
      });
      for (const scenario of SCENARIOS) {
        const query = scenario.query(size);
        for (const version of ['before', 'after'] as const) {
          const samples: { meter: Meter; ms: number; items: number; nextCursor: boolean }[] = [];
          for (let run = 0; run < RUNS; run += 1) {
            meter.take();
            const started = performance.now();
            let items: number;
            let nextCursor = false;
            if (version === 'before') items = await before(client, tenant.tenantId, accountId, query);
            else {
              const response = await invoke(
                listTransactions,
                partnerEvent({
                  tenantId: tenant.tenantId,
                  keyId: tenant.keyId,
                  method: 'GET',
                  path: '/api/v1/transactions',
                  query: { accountId, limit: '25', ...query },
                }),
              );
              const body = JSON.parse(response.body) as { items: unknown[]; nextCursor?: string };
              if (response.statusCode !== 200) throw new Error(`transactions: ${response.statusCode} ${response.body}`);
              items = body.items.length;
              nextCursor = body.nextCursor !== undefined;
            }
            samples.push({ ms: performance.now() - started, meter: meter.take(), items, nextCursor });
          }
          const last = samples.at(-1)!;
          rows.push({
            size,
            scenario: scenario.name,
            version,
            meter: last.meter,
            ms: percentile(
              samples.map((s) => s.ms),
              50,
            ),
            items: last.items,
            nextCursor: last.nextCursor,
          });
        }
      }
    }
    const markdown = render(rows, HISTORY_READ_BUDGET);
    console.log(`\n${markdown}`);
    writeHistorySection(markdown);
    console.log('written to bench/results.md');
  } finally {
    await dynamo.stop();
  }
}

function render(rows: Row[], budget: number): string {
  const lines = [
    HISTORY_MARKERS[0],
    '## History: one `GET /api/v1/transactions` (limit 25) on a long ledger',
    '',
    `Goal 2 of issue 10: any request reads a bounded number of items (about 1,000; the read budget is ${budget} ledger items, seek probes included, plus the account item) and \`from\`/\`to\` seek instead of scanning. ` +
      `Produced by \`npm run bench:history\` (bench/history.ts) on ${new Date().toISOString()}: handler in-process on DynamoDB Local, entries seeded one a minute, median ms of ${RUNS}. ` +
      '"before" replays the route\'s former query (the filter applied while paging the whole history); its figures are the Query alone. ' +
      '"after" is the route itself (its account read included: 1 GetItem, 1 item). Read units as DynamoDB Local reports them (eventually consistent Query, strongly consistent GetItem).',
    '',
    '| entries | request | version | Query | GetItem | items read | read units | ms | items answered | nextCursor | bound met |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const row of rows) {
    const bounded = row.meter.itemsRead <= budget + 1;
    lines.push(
      `| ${row.size.toLocaleString('en-US')} | ${row.scenario} | ${row.version} | ${row.meter.queries} | ${row.meter.gets} | ${row.meter.itemsRead.toLocaleString('en-US')} | ${row.meter.readUnits.toFixed(1)} | ${row.ms.toFixed(1)} | ${row.items} | ${row.version === 'after' ? (row.nextCursor ? 'yes' : 'no') : '–'} | ${row.version === 'after' ? (bounded ? 'met' : 'NOT MET') : bounded ? 'within' : 'exceeds'} |`,
    );
  }
  lines.push(HISTORY_MARKERS[1]);
  return lines.join('\n');
}

await main();
process.exit(0);
