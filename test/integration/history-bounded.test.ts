import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocumentClient } from '../../functions/store/client.ts';
import { HISTORY_READ_BUDGET } from '../../functions/store/ledger-query.ts';
import { accountPartition } from '../../functions/store/keys.ts';
import { startPartnerApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { createdAtOf, seedLedger } from '../support/seed-ledger.ts';

let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;
const ACCOUNT = 'long-history';
const ENTRIES = 5_200;
const START = new Date('2026-01-01T00:00:00.000Z');
/** Rare matches, far below the newest entries. */
const ADJUSTMENTS = [7, 13, 2_500];

/** Items read from the account's partition (Query ScannedCount, one per GetItem), per request. */
let itemsRead = 0;

beforeAll(async () => {
  ({ api, tenantId, partner } = await startPartnerApi());
  expect((await partner.putAccount(ACCOUNT)).status).toBe(201);
  await seedLedger({
    tenantId,
    accountId: ACCOUNT,
    count: ENTRIES,
    start: START,
    typeOf: (seq) => (ADJUSTMENTS.includes(seq) ? 'ADJUSTMENT' : 'EARN'),
  });
  const partition = accountPartition(tenantId, ACCOUNT);
  getDocumentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { Key?: { PK?: string }; ExpressionAttributeValues?: { ':pk'?: string } };
      const output = result.output as { ScannedCount?: number };
      if (context.commandName === 'QueryCommand' && input.ExpressionAttributeValues?.[':pk'] === partition) {
        itemsRead += output.ScannedCount ?? 0;
      }
      if (/^Get(Item)?Command$/.test(String(context.commandName)) && input.Key?.PK === partition) itemsRead += 1;
      return result;
    },
    { step: 'initialize', name: 'countItemsReadForHistoryTest' },
  );
}, 120_000);
afterAll(() => api?.close());

/** Follows nextCursor to the end; every request's reads are recorded. */
async function allPages(query: string): Promise<{ seqs: number[]; pages: { items: number; read: number }[] }> {
  const seqs: number[] = [];
  const pages: { items: number; read: number }[] = [];
  let cursor: string | undefined;
  do {
    itemsRead = 0;
    const response = await partner.transactions(`accountId=${ACCOUNT}&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.status).toBe(200);
    const body = response.body as { items: { sequence: number }[]; nextCursor?: string };
    seqs.push(...body.items.map((item) => item.sequence));
    pages.push({ items: body.items.length, read: itemsRead });
    cursor = body.nextCursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return { seqs, pages };
}

/** The bound: the read budget plus the account item the route reads to answer 404. */
const BOUND = HISTORY_READ_BUDGET + 1;

describe('history reads are bounded', () => {
  it('a rare type filter answers within the budget, with a cursor that reaches every match', async () => {
    const { seqs, pages } = await allPages('type=ADJUSTMENT&limit=10');
    expect(seqs).toEqual([...ADJUSTMENTS].sort((a, b) => b - a));
    // The first page found nothing within its budget and still says where to go on.
    expect(pages[0]).toMatchObject({ items: 0 });
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.read).toBeLessThanOrEqual(BOUND);
  });

  it('from and to give exactly the entries in [from, to), newest first, by seeking', async () => {
    const from = createdAtOf(START, 1_000);
    const to = createdAtOf(START, 1_100);
    const { seqs, pages } = await allPages(`from=${from}&to=${to}&limit=100`);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => 1_099 - i));
    // Two binary searches of about log2(5,200) probes and the 100 entries, not the 4,100 newer ones.
    for (const page of pages) expect(page.read).toBeLessThan(200);
  });

  it('bounds between two entries, with a type, and a window past the newest entry', async () => {
    const between = (seq: number) => new Date(new Date(createdAtOf(START, seq)).getTime() + 30_000).toISOString();
    const inside = await allPages(`from=${between(2_400)}&to=${between(2_600)}&type=ADJUSTMENT`);
    expect(inside.seqs).toEqual([2_500]);
    const window = await allPages(`from=${between(10)}&to=${between(20)}&limit=3`);
    expect(window.seqs).toEqual([20, 19, 18, 17, 16, 15, 14, 13, 12, 11]);
    expect(window.pages.map((page) => page.items)).toEqual([3, 3, 3, 1]);
    const future = await allPages(`from=${createdAtOf(START, ENTRIES + 10)}`);
    expect(future.seqs).toEqual([]);
    const onlyTo = await allPages(`to=${createdAtOf(START, 5)}`);
    expect(onlyTo.seqs).toEqual([4, 3, 2, 1]);
  });

  it('an unfiltered page reads one more item than it answers', async () => {
    itemsRead = 0;
    const response = await partner.transactions(`accountId=${ACCOUNT}&limit=25`);
    expect(response.body.items.map((item: { sequence: number }) => item.sequence)[0]).toBe(ENTRIES);
    expect(response.body.nextCursor).toBeDefined();
    expect(itemsRead).toBe(1 + 26);
  });
});
