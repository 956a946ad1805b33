import { spawn } from 'node:child_process';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { expect, inject, vi } from 'vitest';
import { decodeJsonLines } from '../../functions/audit/jsonl.ts';
import { baseName, manifestKey } from '../../functions/audit/layout.ts';
import { parseManifest, type DayManifest, type WalletRange } from '../../functions/audit/manifest.ts';
import { fetchedObjects, readWalletIndex } from '../../functions/audit/wallet-index.ts';
import type { ObjectStore } from '../../functions/audit/object-store.ts';
import { isLedgerEntryRecord, type AuditRecord } from '../../functions/audit/records.ts';
import { s3ObjectStore } from '../../functions/audit/s3-objects.ts';
import type { LedgerEntry } from '../../functions/domain/types.ts';
import { itemToLedgerEntry } from '../../functions/store/items.ts';
import { localS3ClientConfig, type LocalS3 } from '../../local/s3-local.ts';
import { createStreamPoller, type StreamPoller, type StreamPollerOptions } from '../../local/stream-poller.ts';
import { scanTenantItems } from '../support/table-audit.ts';
import { partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface AuditHarness {
  api: LocalApi;
  s3: LocalS3;
  /** The audit bucket, read and written as the tools do. */
  store: ObjectStore;
  /** The exporter handler module the Lambda runs. */
  handler: StreamHandler;
  poller(options?: Partial<StreamPollerOptions>): StreamPoller;
  close(): Promise<void>;
}

/** The local API on a fresh table, a local S3 of this file's own, and the real exporter handler. */
export async function startAuditHarness(): Promise<AuditHarness> {
  const api = await startLocalApi();
  const { s3 } = api;
  const { handler } = (await import('../../functions/streams/audit-export.ts')) as { handler: StreamHandler };
  const client = new S3Client(localS3ClientConfig(s3.endpoint));
  const pollers: StreamPoller[] = [];
  return {
    api,
    s3,
    store: s3ObjectStore(s3.bucket, client),
    handler,
    poller(options = {}) {
      const poller = createStreamPoller({ dynamodbEndpoint: inject('dynamoEndpoint'), tableName: api.tableName, handler, ...options });
      pollers.push(poller);
      return poller;
    },
    async close() {
      for (const poller of pollers) await poller.stop();
      client.destroy();
      await api.close();
    },
  };
}

/** Every ledger entry of a tenant in the table (a test-only scan), any wallet. */
export async function tableLedgerEntries(tenantId: string): Promise<LedgerEntry[]> {
  const entries = (await scanTenantItems(tenantId)).filter((item) => item.entity === 'LEDGER').map(itemToLedgerEntry);
  const order = (e: LedgerEntry) => `${e.accountId}|${e.wallet}|${String(e.seq).padStart(12, '0')}`;
  return entries.sort((a, b) => order(a).localeCompare(order(b)));
}

/** A sealed day as it stands in the bucket: the manifest and its records in order. */
export async function sealedDay(
  store: ObjectStore,
  tenantId: string,
  day: string,
): Promise<{ manifest: DayManifest; records: AuditRecord[]; files: Map<string, Buffer>; manifestBody: Buffer; wallets: WalletRange[] }> {
  const manifestBody = (await store.get(manifestKey(tenantId, day)))!;
  expect(manifestBody, `${tenantId} ${day} is sealed`).toBeDefined();
  const manifest = parseManifest(manifestBody);
  const files = new Map<string, Buffer>();
  const records: AuditRecord[] = [];
  for (const object of fetchedObjects(manifest)) files.set(baseName(object.key), (await store.get(object.key))!);
  for (const object of manifest.objects) records.push(...decodeJsonLines(files.get(baseName(object.key))!).records);
  return { manifest, records, files, manifestBody, wallets: readWalletIndex(manifest, files).ranges };
}

export const ledgerOf = (records: AuditRecord[]) => records.filter(isLedgerEntryRecord).map((record) => record.entry);

const ok = (status: number, what: string) => expect([200, 201], what).toContain(status);

/**
 * Earns, redeems and reversals over two UTC days (the clock faked for the requests only), for
 * one tenant: accounts active on both days make day two start mid-chain.
 */
export async function runTwoDayWorkload(client: PartnerClient, days: [string, string], accounts = 3): Promise<void> {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  try {
    vi.setSystemTime(new Date(`${days[0]}T09:00:00.000Z`));
    for (let i = 1; i <= accounts; i += 1) {
      const id = `member-${i}`;
      ok((await client.putAccount(id)).status, `put ${id}`);
      ok(
        (await client.earn({ accountId: id, source: { type: 'purchase', orderId: `${id}-o1`, subtotalCents: 50_000 + i * 100 } })).status,
        `earn ${id}`,
      );
      if (i % 2 === 1)
        ok((await client.earn({ accountId: id, source: { type: 'bonus', campaignId: 'welcome', points: 20_000 } })).status, `bonus ${id}`);
    }
    ok((await client.redeem({ accountId: 'member-1', points: 5_000, orderId: 'checkout-1' })).status, 'redeem');
    ok((await client.reverse({ accountId: 'member-2', orderId: 'member-2-o1', reason: 'refund' })).status, 'refund');

    vi.setSystemTime(new Date(`${days[1]}T14:00:00.000Z`));
    ok(
      (await client.earn({ accountId: 'member-1', source: { type: 'purchase', orderId: 'member-1-o2', subtotalCents: 20_000 } })).status,
      'earn day 2',
    );
    ok(
      (await client.earn({ accountId: 'member-1', source: { type: 'promotion', campaignId: 'spring', points: 3_000, expiresInDays: 30 } }))
        .status,
      'promotion',
    );
    ok((await client.reverse({ accountId: 'member-1', orderId: 'member-1-o2', points: 1_000, reason: 'chargeback' })).status, 'chargeback');
    ok((await client.redeem({ accountId: `member-${accounts}`, points: 5_000, orderId: 'checkout-2' })).status, 'redeem day 2');
    ok((await client.putAccount('member-new')).status, 'put new');
    ok(
      (await client.earn({ accountId: 'member-new', source: { type: 'purchase', orderId: 'new-o1', subtotalCents: 10_000 } })).status,
      'earn new',
    );
  } finally {
    vi.useRealTimers();
  }
}

export const newPartner = async (api: LocalApi) => {
  const tenant = await api.newTenant();
  return { ...tenant, client: partnerClient(api.baseUrl, tenant.partnerKey) };
};

/** Runs the package's bin as `npx rrr-audit` does, against the given bucket. */
export function runCli(args: string[], s3: LocalS3): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--offline', 'rrr-audit', ...args, '--bucket', s3.bucket, '--endpoint', s3.endpoint], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
