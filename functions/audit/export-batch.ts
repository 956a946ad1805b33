import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as LambdaAttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { encodeJsonLines, sha256Hex } from './jsonl.ts';
import { incomingKey } from './layout.ts';
import { keepPending } from './pending.ts';
import type { ObjectStore } from './object-store.ts';
import { auditRecordsOf, partitionOf, TAMPER_KINDS, type AuditRecord, type StreamChange } from './records.ts';

export interface ExportLog {
  error(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
}

export interface ExportBatchResult extends DynamoDBBatchResponse {
  /** Objects written, and tamper events seen, in this batch. */
  written: string[];
  tamperEvents: AuditRecord[];
}

/** S3 requests in flight at once per batch (a batch of 100 records touches a few tenants). */
const PUT_CONCURRENCY = 8;

/**
 * One stream batch to the audit bucket: each record becomes its audit records (or none, for
 * entities that are not exported), grouped by tenant and UTC day, and each group is written as
 * one gzip JSON Lines object whose key is derived from the stream records it holds. A batch
 * delivered again writes the same keys with the same bytes; a batch cut differently (a retry
 * after a partial failure, a bisected batch) writes other keys holding some records twice,
 * which sealing drops by record id. After each object it marks the tenant-day pending, so
 * only changed days are sealed. Records whose object could not be written are reported in
 * `batchItemFailures`, so the event source retries from the first of them.
 */
export async function exportStreamBatch(
  event: DynamoDBStreamEvent,
  deps: { store: Pick<ObjectStore, 'put'>; log: ExportLog },
): Promise<ExportBatchResult> {
  const failed = new Set<string>();
  const groups = new Map<
    string,
    { tenantId: string; day: string; sequenceNumbers: string[]; eventIds: string[]; records: AuditRecord[] }
  >();
  const tamperEvents: AuditRecord[] = [];
  const unknownEntities = new Set<string>();

  for (const streamRecord of event.Records) {
    const sequenceNumber = streamRecord.dynamodb?.SequenceNumber ?? '';
    let records: AuditRecord[];
    try {
      const outcome = auditRecordsOf(toChange(streamRecord));
      if (!outcome.known) unknownEntities.add(outcome.entity || '(none)');
      records = outcome.records;
    } catch (error) {
      deps.log.error('stream record could not be read', {
        sequenceNumber,
        eventName: streamRecord.eventName,
        error: (error as Error).message,
      });
      failed.add(sequenceNumber);
      continue;
    }
    for (const record of records) {
      const { tenantId, day } = partitionOf(record);
      const id = `${day}/${tenantId}`;
      const group = groups.get(id) ?? { tenantId, day, sequenceNumbers: [], eventIds: [], records: [] };
      if (group.sequenceNumbers.at(-1) !== sequenceNumber) {
        group.sequenceNumbers.push(sequenceNumber);
        group.eventIds.push(streamRecord.eventID ?? sequenceNumber);
      }
      group.records.push(record);
      groups.set(id, group);
      if (TAMPER_KINDS.has(record.kind)) tamperEvents.push(record);
    }
  }
  for (const entity of unknownEntities) {
    deps.log.warn('items of this entity are not classified for the audit export; not exported', { entity });
  }
  for (const record of tamperEvents) {
    deps.log.error('ledger entry modified or removed in the table: the ledger is append-only', {
      tenantId: record.tenantId,
      kind: record.kind,
      entryKey: record.entryKey,
      at: record.at,
    });
  }

  const written: string[] = [];
  const pending = [...groups.values()];
  const worker = async () => {
    for (let group = pending.shift(); group; group = pending.shift()) {
      const body = encodeJsonLines(group.records);
      const digest = sha256Hex(group.eventIds.join('\n')).slice(0, 16);
      const key = incomingKey(group.day, group.tenantId, group.sequenceNumbers[0]!, group.sequenceNumbers.length, digest);
      try {
        await deps.store.put(key, body, { contentType: 'application/gzip', sha256: sha256Hex(body) });
        // After the object, never before: the sealer relies on that order (pending.ts).
        await keepPending(deps.store, group.day, group.tenantId);
        written.push(key);
      } catch (error) {
        deps.log.error('audit object could not be written; its records will be retried', { key, error: (error as Error).message });
        for (const sequenceNumber of group.sequenceNumbers) failed.add(sequenceNumber);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, pending.length) }, worker));

  return {
    batchItemFailures: [...failed].sort(compareSequenceNumbers).map((itemIdentifier) => ({ itemIdentifier })),
    written: written.sort(),
    tamperEvents,
  };
}

/** Stream sequence numbers are decimal strings of growing length: compare as numbers. */
function compareSequenceNumbers(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function toChange(record: DynamoDBRecord): StreamChange {
  const stream = record.dynamodb;
  if (!stream?.SequenceNumber) throw new Error('stream record without a sequence number');
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY' && record.eventName !== 'REMOVE') {
    throw new Error(`unknown stream event ${String(record.eventName)}`);
  }
  const seconds = stream.ApproximateCreationDateTime;
  if (typeof seconds !== 'number') throw new Error('stream record without ApproximateCreationDateTime');
  return {
    eventName: record.eventName,
    sequenceNumber: stream.SequenceNumber,
    at: new Date(seconds * 1000).toISOString(),
    ...(stream.OldImage ? { oldImage: image(stream.OldImage) } : {}),
    ...(stream.NewImage ? { newImage: image(stream.NewImage) } : {}),
  };
}

const image = (attributes: Record<string, LambdaAttributeValue>) => unmarshall(attributes as Parameters<typeof unmarshall>[0]);
