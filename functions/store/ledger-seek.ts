import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { WalletName } from '../domain/types.ts';
import { getDocumentClient, tableName } from './client.ts';
import { accountPartition, keys, ledgerPrefix } from './keys.ts';

/** Inclusive range of sequence numbers a history page may read. */
export interface SeqWindow {
  low: number;
  high: number;
}

interface SeekRequest {
  tenantId: string;
  accountId: string;
  wallet: WalletName;
  from?: string;
  to?: string;
  beforeSeq?: number;
}

/**
 * Turns `from`, `to` and the cursor into a window of sequence numbers, or none when it is
 * empty. A wallet's sequence is gap-free from 1 and its createdAt grows with it (each entry
 * is stamped after the previous one committed), so each time bound is a binary search of
 * GetItem probes: about log2(entries) items, 16 at 50,000 entries, instead of a scan.
 * Every item read is taken from `budget`.
 */
export async function seqWindow(req: SeekRequest, budget: { left: number }): Promise<SeqWindow | undefined> {
  const below = req.beforeSeq !== undefined ? req.beforeSeq - 1 : undefined;
  if (!req.from && !req.to) return below === undefined || below >= 1 ? { low: 1, high: below ?? MAX_SEQ } : undefined;
  let high = below ?? (await newestSeq(req, budget));
  if (high < 1) return undefined;
  // A cursor already lies below `to` (its page applied it), so only a first page seeks it.
  if (req.to && below === undefined) high = (await firstSeqAtOrAfter(req, req.to, 1, high, budget, 'before')) - 1;
  const low = req.from ? await firstSeqAtOrAfter(req, req.from, 1, high, budget, 'after') : 1;
  return low <= high ? { low, high } : undefined;
}

/** The highest sequence number the sort key can hold (12 digits). */
const MAX_SEQ = 999_999_999_999;

/** The newest entry's sequence (0 for an empty wallet): one Query of one item. */
async function newestSeq(req: SeekRequest, budget: { left: number }): Promise<number> {
  const out = await getDocumentClient().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': accountPartition(req.tenantId, req.accountId), ':prefix': ledgerPrefix(req.wallet) },
      ProjectionExpression: 'seq',
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  budget.left -= out.ScannedCount ?? 0;
  return (out.Items?.[0]?.seq as number | undefined) ?? 0;
}

/**
 * The smallest sequence in [low, high] created at or after `instant`, or high + 1 if none.
 * A probe that finds no entry (an eventually consistent read of one just written) counts as
 * `missing` says, chosen so the window errs wide and the createdAt filter keeps it exact.
 */
async function firstSeqAtOrAfter(
  req: SeekRequest,
  instant: string,
  low: number,
  high: number,
  budget: { left: number },
  missing: 'before' | 'after',
): Promise<number> {
  let found = high + 1;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const createdAt = await probeCreatedAt(req, mid);
    budget.left -= 1;
    if (createdAt === undefined ? missing === 'after' : createdAt >= instant) {
      found = mid;
      high = mid - 1;
    } else {
      low = mid + 1;
    }
  }
  return found;
}

async function probeCreatedAt(req: SeekRequest, seq: number): Promise<string | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.ledgerEntry(req.tenantId, req.accountId, req.wallet, seq),
      ProjectionExpression: 'createdAt',
    }),
  );
  return out.Item?.createdAt as string | undefined;
}
