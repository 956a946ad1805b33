import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { GENESIS_HASH, hashLedgerEntry } from '../../functions/domain/hash-chain.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import type { ObjectStore } from '../../functions/audit/object-store.ts';
import { ledgerEntryToItem } from '../../functions/store/items.ts';

/** An in-memory bucket with the ObjectStore contract (listings by `/` as S3 does them). */
export function memoryStore(): ObjectStore & { objects: Map<string, Buffer>; puts: string[] } {
  const objects = new Map<string, Buffer>();
  const puts: string[] = [];
  const sortedKeys = () => [...objects.keys()].sort();
  return {
    objects,
    puts,
    async list(prefix) {
      return sortedKeys()
        .filter((key) => key.startsWith(prefix))
        .map((key) => ({ key, size: objects.get(key)!.length }));
    },
    async listPrefixes(prefix) {
      const prefixes = new Set<string>();
      for (const key of sortedKeys()) {
        if (!key.startsWith(prefix)) continue;
        const at = key.indexOf('/', prefix.length);
        if (at !== -1) prefixes.add(key.slice(0, at + 1));
      }
      return [...prefixes].sort();
    },
    async get(key) {
      return objects.get(key);
    },
    async put(key, body) {
      puts.push(key);
      objects.set(key, Buffer.from(body));
    },
    async delete(key) {
      objects.delete(key);
    },
  };
}

/** A wallet's hash-chained entries, `count` of them from `startSeq`, one minute apart from `start`. */
export function chain(opts: {
  tenantId: string;
  accountId: string;
  count: number;
  startSeq?: number;
  prevHash?: string;
  start: string;
}): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  let prevHash = opts.prevHash ?? GENESIS_HASH;
  // Every entry earns 100, so a chain that starts mid-wallet continues the balance before it.
  let balance = ((opts.startSeq ?? 1) - 1) * 100;
  for (let i = 0; i < opts.count; i += 1) {
    const seq = (opts.startSeq ?? 1) + i;
    balance += 100;
    const unhashed: Omit<LedgerEntry, 'hash'> = {
      tenantId: opts.tenantId,
      accountId: opts.accountId,
      wallet: 'points',
      seq,
      type: 'EARN',
      amount: 100,
      balanceAfter: balance,
      debtAfter: 0,
      transactionId: `tx-${opts.accountId}-${seq}`,
      correlationId: `tx-${opts.accountId}-${seq}`,
      idempotencyKey: `idem-${opts.accountId}-${seq}`,
      requestId: `req-${seq}`,
      actor: { kind: 'partner', id: 'key_0123456789abcdef' },
      source: { type: 'bonus', campaignId: 'c1' },
      lots: [{ type: 'bonus', expiresAt: '2027-12-31T23:59:59.999Z', points: 100 }],
      createdAt: new Date(Date.parse(opts.start) + i * 60_000).toISOString(),
      prevHash,
    };
    const entry = { ...unhashed, hash: hashLedgerEntry(unhashed) };
    entries.push(entry);
    prevHash = entry.hash;
  }
  return entries;
}

let sequence = 1000;

/** A stream record as Lambda delivers it, for a table item's change. */
export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { oldImage?: Record<string, unknown>; newImage?: Record<string, unknown> },
  at = '2026-03-10T12:00:00.000Z',
): DynamoDBRecord {
  sequence += 1;
  const seq = String(sequence).padStart(21, '0');
  const toImage = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as never;
  return {
    eventID: `event-${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/test/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.parse(at) / 1000),
      SequenceNumber: seq,
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(images.oldImage ? { OldImage: toImage(images.oldImage) } : {}),
      ...(images.newImage ? { NewImage: toImage(images.newImage) } : {}),
    },
  };
}

export const insertEntries = (entries: LedgerEntry[]): DynamoDBStreamEvent => ({
  Records: entries.map((entry) => streamRecord('INSERT', { newImage: ledgerEntryToItem(entry) }, entry.createdAt)),
});

export const silentLog = { error: () => {}, warn: () => {} };
