import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { ledgerEntryToItem } from '../../functions/store/items.ts';
import type { LedgerEntry, LedgerEntryType } from '../../functions/domain/types.ts';

/**
 * Writes a long points history straight into the table, 25 items a call: fast enough for
 * 50,000 entries. Entries are well formed for the history routes (not hash-chained: the
 * routes that read them do not verify the chain).
 */
export async function seedLedger(input: {
  tenantId: string;
  accountId: string;
  count: number;
  /** createdAt of entry 1; each next entry is one minute later. */
  start: Date;
  typeOf?: (seq: number) => LedgerEntryType;
}): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (let seq = 1; seq <= input.count; seq += 1) {
    entries.push({
      tenantId: input.tenantId,
      accountId: input.accountId,
      wallet: 'points',
      seq,
      type: input.typeOf?.(seq) ?? 'EARN',
      amount: 10,
      balanceAfter: 10 * seq,
      debtAfter: 0,
      transactionId: `txn-seed-${seq}`,
      correlationId: `corr-seed-${seq}`,
      idempotencyKey: `seed-${seq}`,
      requestId: `req-seed-${seq}`,
      actor: { kind: 'partner', id: 'seed' },
      lots: [],
      createdAt: createdAtOf(input.start, seq),
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    });
  }
  const writes = entries.map((entry) => ({ PutRequest: { Item: ledgerEntryToItem(entry) } }));
  const batches: (typeof writes)[] = [];
  for (let i = 0; i < writes.length; i += 25) batches.push(writes.slice(i, i + 25));
  // A few batches in flight at once; unprocessed items are sent again.
  const send = async (batch: typeof writes): Promise<void> => {
    let pending = batch;
    while (pending.length > 0) {
      const out = await getDocumentClient().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }));
      pending = (out.UnprocessedItems?.[tableName()] ?? []) as typeof writes;
    }
  };
  for (let i = 0; i < batches.length; i += 8) await Promise.all(batches.slice(i, i + 8).map(send));
  return entries;
}

export const createdAtOf = (start: Date, seq: number) => new Date(start.getTime() + (seq - 1) * 60_000).toISOString();
