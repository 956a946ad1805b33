import type { AccountEvent, LedgerEntry } from '../domain/types.ts';
import { itemToAccountEvent, itemToLedgerEntry } from '../store/items.ts';
import { dayOf } from './layout.ts';

/**
 * What the audit trail holds, and how each kind of table item becomes audit records. Pure:
 * no AWS, no clock (the stream record's own time is passed in).
 */

type Item = Record<string, unknown>;

/** One change of one table item, as the stream reports it (images already unmarshalled). */
export interface StreamChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The stream's sequence number: the same on every redelivery of this change. */
  sequenceNumber: string;
  /** When the change reached the table (the stream's approximate creation time), ISO. */
  at: string;
  oldImage?: Item;
  newImage?: Item;
}

export type AuditKind =
  | 'ledger.entry'
  | 'ledger.modified'
  | 'ledger.removed'
  | 'partner_key.created'
  | 'partner_key.revoked'
  | 'partner_key.expiry_changed'
  | 'partner_key.changed'
  | 'partner_key.removed'
  | 'tenant.created'
  | 'tenant.changed'
  | 'tenant.removed'
  | 'account.lock_applied'
  | 'account.lock_lifted'
  | 'approval.requested'
  | 'approval.approved'
  | 'approval.rejected'
  | 'approval.expired'
  | 'account.tier_changed'
  | 'account_event.modified'
  | 'account_event.removed';

/**
 * One line of an export. `recordId` is unique per tenant and day and the same however often
 * the change is delivered; it is what sealing deduplicates on. `at` decides the UTC day: a
 * ledger entry's own `createdAt` (so the day can be rebuilt from the table), for every other
 * event the time the change reached the table.
 */
export interface AuditRecord {
  recordId: string;
  kind: AuditKind;
  tenantId: string;
  at: string;
  [payload: string]: unknown;
}

export interface LedgerEntryRecord extends AuditRecord {
  kind: 'ledger.entry';
  entry: LedgerEntry;
}

/** The ledger is append-only: any change or removal of an entry is itself recorded, and alarms. */
export const TAMPER_KINDS: ReadonlySet<AuditKind> = new Set([
  'ledger.modified',
  'ledger.removed',
  'account_event.modified',
  'account_event.removed',
]);

export const isLedgerEntryRecord = (record: AuditRecord): record is LedgerEntryRecord => record.kind === 'ledger.entry';

type ToRecords = (change: StreamChange) => AuditRecord[];

/**
 * Every kind of table item (`entity`) and what the export does with it: a function that turns
 * one change into audit records, or `null` with the reason it is not exported. Adding an
 * entity kind is one entry here (a test fails for an entity the store writes and this table
 * does not name).
 */
export const AUDITED_ENTITIES: Record<string, { records: ToRecords | null; why: string }> = {
  LEDGER: { records: ledgerRecords, why: 'every entry, once; any MODIFY or REMOVE is a tamper event' },
  APIKEY: {
    records: partnerKeyRecords,
    why: 'partner key lifecycle (created, expiry set on rotation, revoked); id, tenant, scopes and status, never the key hash; lastUsedAt updates are not events',
  },
  TENANT: { records: tenantRecords, why: 'tenant creation and configuration changes (no secrets in a tenant item)' },
  ACCOUNT_EVENT: {
    records: accountEventRecords,
    why: 'actions on an account that move no points by themselves (locks applied and lifted; approval requests, approvals, rejections, expiries; tier changes), once; append-only, so a MODIFY or REMOVE is a tamper event',
  },
  APPROVAL: {
    records: null,
    why: "an approval request's current state: its request and each decision are account events, its applied action a ledger entry",
  },
  APPROVAL_POINTER: { records: null, why: 'a listing pointer (requests by status); moved with the request' },
  APPROVAL_TASK: { records: null, why: "the approval workflow's callback token while it waits; no money state" },
  ACCOUNT: { records: null, why: 'a state snapshot: every balance change is a ledger entry; profile data stays out of the audit trail' },
  LOTS: { records: null, why: 'a lot page: state derived from ledger entries (each entry names the lots it created or consumed)' },
  ORDER: { records: null, why: 'state derived from ledger entries (earned and reversed points of a purchase)' },
  REDEMPTION: {
    records: null,
    why: "a two-phase redemption's state (held, then committed, released or expired): a hold moves no points; its commit is a REDEEM ledger entry",
  },
  IDEMPOTENCY: { records: null, why: 'the replay cache of responses; expires through TTL' },
  APIKEY_INDEX: { records: null, why: 'a lookup pointer from key id to key hash; the key item carries the lifecycle' },
  TURNS: { records: null, why: "a hot account's turn queue: when the next turn is free, pacing only; no money state" },
  RPT_MARK: {
    records: null,
    why: "the reports read model's mark that one ledger entry was counted (its idempotency); derived from the ledger entry, which is exported",
  },
  RPT_DAY: {
    records: null,
    why: "reports read model: a UTC day's flow counters, derived from ledger entries (rebuilt and reconciled from them)",
  },
  RPT_LIABILITY: {
    records: null,
    why: 'reports read model: outstanding lot points by expiry month and type, derived from ledger entries (reconciled against them)',
  },
  EXPIRY_SWEEP: {
    records: null,
    why: "the expiry sweep's progress mark for a tenant (the next day to look at); each lot it expires is an EXPIRE ledger entry",
  },
};

/** The audit records one stream change stands for; none for entities that are not exported. */
export function auditRecordsOf(change: StreamChange): { entity: string; records: AuditRecord[]; known: boolean } {
  const image = change.newImage ?? change.oldImage ?? {};
  const entity = typeof image.entity === 'string' ? image.entity : '';
  const rule = AUDITED_ENTITIES[entity];
  if (!rule) return { entity, records: [], known: false };
  return { entity, records: rule.records ? rule.records(change) : [], known: true };
}

function ledgerRecords(change: StreamChange): AuditRecord[] {
  if (change.eventName === 'INSERT') return [ledgerEntryRecord(itemToLedgerEntry(change.newImage!))];
  const before = change.oldImage ? itemToLedgerEntry(change.oldImage) : undefined;
  const after = change.newImage ? itemToLedgerEntry(change.newImage) : undefined;
  const either = (before ?? after)!;
  const kind = change.eventName === 'MODIFY' ? 'ledger.modified' : 'ledger.removed';
  return [
    {
      recordId: `${kind}:${change.sequenceNumber}`,
      kind,
      tenantId: either.tenantId,
      at: change.at,
      entryKey: { accountId: either.accountId, wallet: either.wallet, seq: either.seq },
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    },
  ];
}

export function ledgerEntryRecord(entry: LedgerEntry): LedgerEntryRecord {
  return {
    recordId: ledgerRecordId(entry.accountId, entry.wallet, entry.seq),
    kind: 'ledger.entry',
    tenantId: entry.tenantId,
    at: entry.createdAt,
    entry,
  };
}

export const ledgerRecordId = (accountId: string, wallet: string, seq: number) => `ledger:${accountId}:${wallet}:${seq}`;

/** What the audit trail keeps of a partner key: never `keyHash` (nor `lastUsedAt`, which is not an event). */
const PARTNER_KEY_FIELDS = [
  'keyId',
  'tenantId',
  'scopes',
  'status',
  'label',
  'createdAt',
  'expiresAt',
  'revokedAt',
  'revokeReason',
] as const;

function partnerKeyView(item: Item): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const field of PARTNER_KEY_FIELDS) if (item[field] !== undefined) view[field] = item[field];
  return view;
}

function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from?: unknown; to?: unknown }> {
  const changes: Record<string, { from?: unknown; to?: unknown }> = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    changes[field] = {
      ...(before[field] !== undefined ? { from: before[field] } : {}),
      ...(after[field] !== undefined ? { to: after[field] } : {}),
    };
  }
  return changes;
}

function partnerKeyRecords(change: StreamChange): AuditRecord[] {
  const before = change.oldImage ? partnerKeyView(change.oldImage) : undefined;
  const after = change.newImage ? partnerKeyView(change.newImage) : undefined;
  const key = (after ?? before)!;
  const base = { tenantId: String(key.tenantId), at: change.at };
  if (change.eventName === 'INSERT') {
    return [{ recordId: `partner_key.created:${key.keyId}`, kind: 'partner_key.created', ...base, key: after }];
  }
  if (change.eventName === 'REMOVE') {
    return [{ recordId: `partner_key.removed:${key.keyId}:${change.sequenceNumber}`, kind: 'partner_key.removed', ...base, key: before }];
  }
  const changes = changedFields(before!, after!);
  if (Object.keys(changes).length === 0) return []; // only lastUsedAt moved
  const kind: AuditKind =
    changes.status?.to === 'revoked'
      ? 'partner_key.revoked'
      : Object.keys(changes).every((f) => f === 'expiresAt')
        ? 'partner_key.expiry_changed'
        : 'partner_key.changed';
  return [{ recordId: `${kind}:${key.keyId}:${change.sequenceNumber}`, kind, ...base, key: after, changes }];
}

const ACCOUNT_EVENT_KINDS: Record<AccountEvent['type'], AuditKind> = {
  'lock.applied': 'account.lock_applied',
  'lock.lifted': 'account.lock_lifted',
  'approval.requested': 'approval.requested',
  'approval.approved': 'approval.approved',
  'approval.rejected': 'approval.rejected',
  'approval.expired': 'approval.expired',
  'tier.changed': 'account.tier_changed',
};

function accountEventRecords(change: StreamChange): AuditRecord[] {
  if (change.eventName === 'INSERT') {
    const event = itemToAccountEvent(change.newImage!);
    return [
      {
        recordId: `account_event:${event.accountId}:${event.eventId}`,
        kind: ACCOUNT_EVENT_KINDS[event.type],
        tenantId: event.tenantId,
        at: event.at,
        event,
      },
    ];
  }
  const before = change.oldImage ? itemToAccountEvent(change.oldImage) : undefined;
  const after = change.newImage ? itemToAccountEvent(change.newImage) : undefined;
  const either = (before ?? after)!;
  const kind: AuditKind = change.eventName === 'MODIFY' ? 'account_event.modified' : 'account_event.removed';
  return [
    {
      recordId: `${kind}:${change.sequenceNumber}`,
      kind,
      tenantId: either.tenantId,
      at: change.at,
      eventKey: { accountId: either.accountId, eventId: either.eventId },
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    },
  ];
}

function tenantRecords(change: StreamChange): AuditRecord[] {
  const before = change.oldImage?.config as Record<string, unknown> | undefined;
  const after = change.newImage?.config as Record<string, unknown> | undefined;
  const tenantId = String((change.newImage ?? change.oldImage)!.tenantId);
  const base = { tenantId, at: change.at };
  if (change.eventName === 'INSERT') return [{ recordId: `tenant.created:${tenantId}`, kind: 'tenant.created', ...base, tenant: after }];
  if (change.eventName === 'REMOVE') {
    return [{ recordId: `tenant.removed:${tenantId}:${change.sequenceNumber}`, kind: 'tenant.removed', ...base, tenant: before }];
  }
  const changes = changedFields(before ?? {}, after ?? {});
  if (Object.keys(changes).length === 0) return [];
  return [{ recordId: `tenant.changed:${tenantId}:${change.sequenceNumber}`, kind: 'tenant.changed', ...base, tenant: after, changes }];
}

/** The tenant and UTC day a record is filed under. */
export const partitionOf = (record: AuditRecord) => ({ tenantId: record.tenantId, day: dayOf(record.at) });

/**
 * Order within a sealed day: ledger entries by account, wallet and sequence (so each chain
 * reads top to bottom), then every other event by time.
 */
export function recordSortKey(record: AuditRecord): string {
  if (isLedgerEntryRecord(record)) {
    return `0|${record.entry.accountId}|${record.entry.wallet}|${String(record.entry.seq).padStart(12, '0')}`;
  }
  return `1|${record.at}|${record.recordId}`;
}
