import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { refuse, type Refusal } from '../domain/result.ts';
import { PARTNER_SCOPES, type PartnerScope } from '../domain/vocabulary.ts';
import { getDocumentClient } from '../store/client.ts';
import { expireApiKeyItem, getApiKeyById, newApiKeyItems, revokeApiKeyItem, type ApiKeyRecord } from '../store/api-keys.ts';
import type { TransactItem } from '../store/transact.ts';
import { mintPartnerKey, partnerKeyHash } from '../security/partner-keys.ts';

/**
 * The one way partner keys are created, rotated and revoked: the admin routes, the admin CLI
 * (through those routes), tenant provisioning and the deploy script all come here. Each
 * function decides and returns the writes (or a refusal); the caller commits them, with its
 * idempotency record (the routes) or alone (`commitPartnerKeyChange`, the scripts).
 */
export const ALL_PARTNER_SCOPES: PartnerScope[] = [...PARTNER_SCOPES];

/** Rotation keeps the old key working this long unless told otherwise. */
export const DEFAULT_OVERLAP_SECONDS = 86_400;

export type RevokeReason = 'compromised' | 'rotated' | 'partner_offboarded' | 'unused' | 'other';

/** What operators see of a key: never its hash. */
export function partnerKeyView(record: ApiKeyRecord) {
  const { keyHash: _hash, ...visible } = record;
  return visible;
}

export type PartnerKeyView = ReturnType<typeof partnerKeyView>;

/** A change to commit; `key` only when a new key was minted (it leaves in this answer alone). */
export interface PartnerKeyChange<V = PartnerKeyView> {
  ok: true;
  items: TransactItem[];
  view: V;
  key?: string;
  record: ApiKeyRecord;
}

/** A fresh key and the items that store it (hashed). An expiry must lie in the future. */
export function createPartnerKey(input: {
  tenantId: string;
  scopes: PartnerScope[];
  now: string;
  label?: string;
  expiresAt?: string;
}): Refusal | (PartnerKeyChange & { key: string }) {
  if (input.expiresAt !== undefined && !(Date.parse(input.expiresAt) > Date.parse(input.now))) {
    const message = `expected an instant in the future (now is ${input.now}), received ${input.expiresAt}`;
    return refuse('expiry_not_in_future', `body.expiresAt: ${message}`, { errors: [{ path: 'body.expiresAt', message }] });
  }
  const { key, keyId } = mintPartnerKey();
  const record: ApiKeyRecord = {
    keyHash: partnerKeyHash(key),
    keyId,
    tenantId: input.tenantId,
    scopes: input.scopes,
    status: 'active',
    createdAt: input.now,
    ...(input.label ? { label: input.label } : {}),
    ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
  };
  return { ok: true, key, record, items: newApiKeyItems(record), view: partnerKeyView(record) };
}

async function liveKey(tenantId: string, keyId: string, now: string): Promise<Refusal | { ok: true; key: ApiKeyRecord }> {
  const key = await getApiKeyById(tenantId, keyId);
  if (key?.status !== 'active' || (key.expiresAt !== undefined && key.expiresAt <= now)) {
    return refuse('partner_key_not_found', `No live key ${keyId}`);
  }
  return { ok: true, key };
}

/** A successor with the same scopes; the old key keeps working for the overlap, then expires. */
export async function rotatePartnerKey(input: {
  tenantId: string;
  keyId: string;
  now: string;
  overlapSeconds?: number;
}): Promise<Refusal | (PartnerKeyChange<PartnerKeyView & { replaces: { keyId: string; expiresAt?: string } }> & { key: string })> {
  const found = await liveKey(input.tenantId, input.keyId, input.now);
  if (!found.ok) return found;
  const old = found.key;
  const overlapEnds = new Date(Date.parse(input.now) + (input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000).toISOString();
  const successor = createPartnerKey({
    tenantId: input.tenantId,
    scopes: old.scopes,
    now: input.now,
    ...(old.label ? { label: old.label } : {}),
  });
  if (!successor.ok) return successor;
  // Never extends the old key's life: one that expires sooner keeps its own expiry.
  const shortens = !old.expiresAt || old.expiresAt > overlapEnds;
  const replaces = { keyId: old.keyId, ...(shortens ? { expiresAt: overlapEnds } : old.expiresAt ? { expiresAt: old.expiresAt } : {}) };
  return {
    ok: true,
    key: successor.key,
    record: successor.record,
    items: [...successor.items, ...(shortens ? [expireApiKeyItem(old, overlapEnds)] : [])],
    view: { ...successor.view, replaces },
  };
}

/** Revokes a live key at once, recording why. */
export async function revokePartnerKey(input: {
  tenantId: string;
  keyId: string;
  reason: RevokeReason;
  now: string;
}): Promise<Refusal | PartnerKeyChange> {
  const found = await liveKey(input.tenantId, input.keyId, input.now);
  if (!found.ok) return found;
  const revoked: ApiKeyRecord = { ...found.key, status: 'revoked', revokedAt: input.now, revokeReason: input.reason };
  return { ok: true, record: revoked, items: [revokeApiKeyItem(found.key, input.reason, input.now)], view: partnerKeyView(revoked) };
}

/**
 * For callers outside the idempotent routes (provisioning, scripts, the local service):
 * commit the change alone, or fail with the refusal's detail (there is no one to answer).
 */
export async function commitPartnerKeyChange<C extends PartnerKeyChange<unknown>>(change: Refusal | C): Promise<C> {
  if (!change.ok) throw new Error(`${change.code}: ${change.detail}`);
  await getDocumentClient().send(new TransactWriteCommand({ TransactItems: change.items }));
  return change;
}
