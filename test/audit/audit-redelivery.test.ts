import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStreamBatch } from '../../functions/audit/export-batch.ts';
import { dayOf, INCOMING_ROOT } from '../../functions/audit/layout.ts';
import { readLedgerRange } from '../../functions/audit/ledger-reader.ts';
import type { ObjectStore } from '../../functions/audit/object-store.ts';
import { sealDay, type LedgerReader, type SealOutcome } from '../../functions/audit/seal.ts';
import { verifyExport } from '../../functions/audit/verify.ts';
import {
  ledgerOf,
  newPartner,
  sealedDay,
  startAuditHarness,
  tableLedgerEntries,
  type AuditHarness,
  type StreamHandler,
} from './harness.ts';
import type { PartnerClient } from '../support/local-api.ts';

/**
 * At-least-once delivery, as the event source mapping gives it: whatever is delivered twice,
 * cut differently, partly failed or lost, each sealed day holds each ledger entry exactly once.
 */
let harness: AuditHarness;
let workDir: string;
let checkpointFile: string;

beforeAll(async () => {
  harness = await startAuditHarness();
  workDir = await mkdtemp(join(tmpdir(), 'rrr-redelivery-'));
  checkpointFile = join(workDir, 'stream-checkpoints.json');
}, 60_000);

afterAll(async () => {
  await harness?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Reads the stream from where the last poller left off (the shared checkpoint file) to its end. */
async function drainWith(handler: StreamHandler): Promise<void> {
  const poller = harness.poller({ handler, checkpointFile });
  await poller.drain();
  await poller.stop();
}

async function earnings(client: PartnerClient, accounts: string[], round: number): Promise<void> {
  for (const accountId of accounts) {
    if (round === 1) expect((await client.putAccount(accountId)).status).toBe(201);
    expect(
      (await client.earn({ accountId, source: { type: 'purchase', orderId: `${accountId}-${round}`, subtotalCents: 60_000 } })).status,
    ).toBe(201);
    expect((await client.redeem({ accountId, points: 5_000, orderId: `${accountId}-r${round}` })).status).toBe(201);
  }
}

/** Seals every day the tenant's ledger has, and checks each holds exactly the table's entries, once. */
async function sealAndCompare(tenantId: string, readLedger?: LedgerReader): Promise<SealOutcome[]> {
  const inTable = await tableLedgerEntries(tenantId);
  const outcomes: SealOutcome[] = [];
  for (const day of new Set(inTable.map((entry) => dayOf(entry.createdAt)))) {
    const outcome = await sealDay({ store: harness.store, tenantId, day, now: new Date(), ...(readLedger ? { readLedger } : {}) });
    expect(outcome.status).toBe('sealed');
    outcomes.push(outcome);
    const { records, files, manifestBody } = await sealedDay(harness.store, tenantId, day);
    expect(ledgerOf(records)).toEqual(inTable.filter((entry) => dayOf(entry.createdAt) === day));
    expect(new Set(records.map((record) => record.recordId)).size).toBe(records.length);
    expect(verifyExport({ manifest: manifestBody, files })).toMatchObject({ ok: true, problems: [] });
  }
  return outcomes;
}

const total = (outcomes: SealOutcome[], field: 'duplicatesDropped' | 'backfilled') =>
  outcomes.reduce((sum, outcome) => sum + (outcome.status === 'sealed' ? outcome.manifest[field] : 0), 0);

const incoming = async (tenantId: string) => {
  const all = await harness.store.list(INCOMING_ROOT);
  return all.filter((object) => object.key.includes(`/tenant=${tenantId}/`));
};

describe('redelivery', () => {
  it('the same stream batch handed to the handler twice rewrites the same objects with the same bytes', async () => {
    const { tenantId, client } = await newPartner(harness.api);
    await earnings(client, ['a1', 'a2'], 1);
    const delivered: DynamoDBStreamEvent[] = [];
    await drainWith(async (event) => {
      delivered.push(event);
      return harness.handler(event);
    });
    const before = await incoming(tenantId);
    const bytes = await Promise.all(before.map((object) => harness.store.get(object.key)));

    for (const event of delivered) expect(await harness.handler(event)).toEqual({ batchItemFailures: [] });
    const after = await incoming(tenantId);
    expect(after).toEqual(before);
    expect(await Promise.all(after.map((object) => harness.store.get(object.key)))).toEqual(bytes);
    const outcomes = await sealAndCompare(tenantId);
    expect(total(outcomes, 'duplicatesDropped')).toBe(0);
    expect(
      outcomes.reduce((sum, outcome) => sum + (outcome.status === 'sealed' ? (outcome.manifest.kinds['ledger.entry'] ?? 0) : 0), 0),
    ).toBe(4);
  });

  it('a crash between the object write and the checkpoint: the batch comes again, cut differently, and sealing keeps one copy', async () => {
    const { tenantId, client } = await newPartner(harness.api);
    await earnings(client, ['b1', 'b2'], 1);
    await drainWith(harness.handler);
    const checkpointBefore = await readFile(checkpointFile, 'utf8');

    // Exported and written to the bucket, but the position never saved: the process died.
    await earnings(client, ['b1', 'b2'], 2);
    await drainWith(harness.handler);
    expect(await readFile(checkpointFile, 'utf8')).not.toBe(checkpointBefore);
    await writeFile(checkpointFile, checkpointBefore);
    const objectsBeforeRestart = (await incoming(tenantId)).length;

    // More traffic before the restart, so the redelivered batch is not the same batch.
    await earnings(client, ['b1', 'b2'], 3);
    await drainWith(harness.handler);
    expect((await incoming(tenantId)).length).toBeGreaterThan(objectsBeforeRestart);

    const outcomes = await sealAndCompare(tenantId);
    expect(total(outcomes, 'duplicatesDropped')).toBe(4); // round 2's four entries, written twice
  });

  it('a partial batch failure: the failed records are reported, retried from the first of them, and exported once', async () => {
    const { tenantId, client } = await newPartner(harness.api);
    const other = await newPartner(harness.api);
    await earnings(client, ['c1'], 1);
    await earnings(other.client, ['d1'], 1);
    await earnings(client, ['c1'], 2);
    let failuresLeft = 2;
    const reported: string[] = [];
    const flaky: ObjectStore = {
      ...harness.store,
      put: async (key, body, options) => {
        if (key.includes(`tenant=${tenantId}/`) && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('SlowDown: please reduce your request rate');
        }
        return harness.store.put(key, body, options);
      },
    };
    await drainWith(async (event) => {
      const result = await exportStreamBatch(event, { store: flaky, log: { error: () => {}, warn: () => {} } });
      reported.push(...result.batchItemFailures.map((failure) => failure.itemIdentifier));
      return { batchItemFailures: result.batchItemFailures };
    });
    expect(failuresLeft).toBe(0);
    expect(reported.length).toBeGreaterThan(0);
    await sealAndCompare(tenantId);
    await sealAndCompare(other.tenantId);
  });

  it('a ledger entry the stream never delivered (gone to the DLQ) is read back from the table when sealing', async () => {
    const { tenantId, client } = await newPartner(harness.api);
    await earnings(client, ['e1'], 1);
    await earnings(client, ['e1'], 2);
    let dropped = false;
    await drainWith(async (event) => {
      const records = event.Records.filter((record) => {
        const isSecondEntry =
          record.dynamodb?.NewImage?.SK?.S === 'L#points#000000000002' && record.dynamodb.NewImage.tenantId?.S === tenantId;
        if (isSecondEntry && record.eventName === 'INSERT') dropped = true;
        return !(isSecondEntry && record.eventName === 'INSERT');
      });
      return harness.handler({ Records: records });
    });
    expect(dropped).toBe(true);
    const outcomes = await sealAndCompare(tenantId, readLedgerRange);
    expect(total(outcomes, 'backfilled')).toBe(1);
  });
});
