/**
 * `npm run bench:lots`: earn and redeem cost for accounts holding 1, 100, 1,000 and 4,000
 * lots (half of them expired, kept in their pages until the sweep), seeded straight into the
 * table. Prints the table (copied into bench/results.md and the README's design section by
 * hand). Goal: at most 12 write units and 2 read rounds.
 *
 * Write units are estimated from item sizes by DynamoDB's rules (bench/item-size.ts): 2 per
 * started KB of the larger of the old and new item of each transactional Put. Read rounds are
 * the BatchGetItem calls of the request (a debit sends its earliest-pages Query beside each).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { prepareBenchTable } from './bench-table.ts';
import { localLambdaContext } from '../local/gateway/lambda-context.ts';
import { installCapacityMeter, type Tally } from './capacity-meter.ts';
import { partnerEvent, putAccountEvent } from './handler-event.ts';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const SIZES = [1, 100, 1000, 4000];
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 3);
const LOT_POINTS = 5000;
const TABLE = 'bench-lots';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

interface Row {
  lots: number;
  earnUnits: number;
  earnRounds: number;
  redeemUnits: number;
  redeemRounds: number;
  accountBytes: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rounds = (tally: Tally) => tally.calls.BatchGetItemCommand ?? 0;

async function main(): Promise<void> {
  const dynamo = await startDynamoDbLocal({});
  try {
    await prepareBenchTable(dynamo.endpoint, TABLE);
    const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
    const { getDocumentClient } = await import('../functions/store/client.ts');
    const { getAccount } = await import('../functions/store/accounts.ts');
    const { accountToItem } = await import('../functions/store/items.ts');
    const { itemBytes } = await import('./item-size.ts');
    const { lotsFor, seedLots } = await import('../test/support/seed-lots.ts');
    const h = {
      putAccount: (await import('../functions/api/handlers/put-account.ts')).handler as Handler,
      earn: (await import('../functions/api/handlers/earn.ts')).handler as Handler,
      redeem: (await import('../functions/api/handlers/redeem.ts')).handler as Handler,
    };
    const tenant = await provisionTenant({ tenantId: 'lots', displayName: 'Lots', limits: { accountWritesPerMinute: 1_000_000_000 } });
    const who = { tenantId: tenant.tenantId, keyId: tenant.keyId };
    let counter = 0;
    const send = async (handler: Handler, event: APIGatewayProxyEvent, expected: number) => {
      const result = await handler(event, localLambdaContext('bench', event.requestContext.requestId));
      if (result.statusCode !== expected) throw new Error(`bench: expected ${expected}, got ${result.statusCode} ${result.body}`);
    };
    const post = (path: string, body: unknown) =>
      partnerEvent({ ...who, method: 'POST', path, body, idempotencyKey: `lots-${process.pid}-${(counter += 1)}` });
    const meter = installCapacityMeter(getDocumentClient());

    const rows: Row[] = [];
    for (const size of SIZES) {
      const samples: Row[] = [];
      for (let s = 0; s < SAMPLES; s += 1) {
        const accountId = `aged-${size}-${s}`;
        await send(h.putAccount, putAccountEvent(who, accountId, `acct-${accountId}-${process.pid}`), 201);
        const now = new Date().toISOString();
        await seedLots(tenant.tenantId, accountId, lotsFor(size, Math.floor(size / 2), now, LOT_POINTS), now);
        meter.take();
        await send(
          h.earn,
          post('/api/v1/earn', { accountId, source: { type: 'purchase', orderId: `o-${accountId}`, subtotalCents: 10_000 } }),
          201,
        );
        const earn = meter.take();
        await send(h.redeem, post('/api/v1/redeem', { accountId, points: LOT_POINTS, orderId: `r-${accountId}` }), 201);
        const redeem = meter.take();
        const account = await getAccount(tenant.tenantId, accountId);
        samples.push({
          lots: size,
          earnUnits: earn.estimatedWriteUnits,
          earnRounds: rounds(earn),
          redeemUnits: redeem.estimatedWriteUnits,
          redeemRounds: rounds(redeem),
          accountBytes: account ? itemBytes(accountToItem(account)) : 0,
        });
      }
      rows.push({
        lots: size,
        earnUnits: median(samples.map((r) => r.earnUnits)),
        earnRounds: Math.max(...samples.map((r) => r.earnRounds)),
        redeemUnits: median(samples.map((r) => r.redeemUnits)),
        redeemRounds: Math.max(...samples.map((r) => r.redeemRounds)),
        accountBytes: median(samples.map((r) => r.accountBytes)),
      });
    }
    const met = (units: number, reads: number) => (units <= 12 && reads <= 2 ? 'met' : 'NOT met');
    const table = [
      '| lots held (half expired) | earn: write units (est. AWS) | earn: read rounds | redeem (1 lot): write units (est. AWS) | redeem: read rounds | account item bytes | goal ≤ 12 units, ≤ 2 rounds |',
      '|---:|---:|---:|---:|---:|---:|---|',
      ...rows.map(
        (r) =>
          `| ${r.lots.toLocaleString('en')} | ${r.earnUnits} | ${r.earnRounds} | ${r.redeemUnits} | ${r.redeemRounds} | ${r.accountBytes} | ${met(Math.max(r.earnUnits, r.redeemUnits), Math.max(r.earnRounds, r.redeemRounds))} |`,
      ),
    ].join('\n');
    const note = `Run ${new Date().toISOString()}, Node ${process.version}; medians of ${SAMPLES} fresh accounts per size (read rounds: the most seen). Lots of ${LOT_POINTS} points, two a day (purchase and promotion), the first half expired on the days before the run, the rest live from the next day on; seeded straight into the table (bench/lot-scale.ts). Write units estimated from item sizes by DynamoDB's rules: 2 per started KB of the larger of the old and new item of each transactional Put (the idempotency record, the account, the lot page, the ledger entry, the order).`;
    console.log(table);
    console.log(`\n${note}`);
  } finally {
    await dynamo.stop();
  }
}

await main();
