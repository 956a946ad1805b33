import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { itemToLedgerEntry } from '../store/items.ts';
import { applyEntry } from './read-model.ts';

export interface ReportsBatchResult extends DynamoDBBatchResponse {
  applied: number;
  duplicates: number;
}

export interface ReportsLog {
  error(message: string, details: Record<string, unknown>): void;
}

/**
 * One stream batch into the reports read model: only INSERTs of ledger entries count (a
 * MODIFY or REMOVE of an entry is a tamper event, the audit exporter's business; other items
 * are not flows). Each entry is applied in its own transaction with its marker, so a record
 * delivered again counts once. Records that could not be applied are reported in
 * `batchItemFailures`, and the event source redelivers from the first of them.
 */
export async function applyStreamBatch(event: DynamoDBStreamEvent, log: ReportsLog): Promise<ReportsBatchResult> {
  const result: ReportsBatchResult = { batchItemFailures: [], applied: 0, duplicates: 0 };
  for (const record of event.Records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    try {
      const item = unmarshall(record.dynamodb.NewImage as Parameters<typeof unmarshall>[0]);
      if (item.entity !== 'LEDGER') continue;
      const outcome = await applyEntry(itemToLedgerEntry(item));
      if (outcome === 'applied') result.applied += 1;
      else if (outcome === 'duplicate') result.duplicates += 1;
    } catch (error) {
      log.error('reports: stream record could not be applied', { sequenceNumber, error: (error as Error).message });
      result.batchItemFailures.push({ itemIdentifier: sequenceNumber });
    }
  }
  return result;
}
