import { ProblemError } from './problem.ts';

/**
 * Cursors are opaque to partners: the sequence number to continue below. They carry no
 * tenant or account, so a cursor cannot reach outside the account the query names.
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(`v1:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^v1:(\d{1,12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ProblemError('validation_error', 'cursor is not one this API issued');
  return Number(match[1]);
}

/** A position in a tenant's key list: the last key id of the page. Only ever read within the tenant named by the path. */
export function encodeKeyCursor(keyId: string): string {
  return Buffer.from(`k1:${keyId}`).toString('base64url');
}

export function decodeKeyCursor(cursor: string): string {
  const match = /^k1:(key_[0-9a-f]{16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ProblemError('validation_error', 'cursor is not one this API issued');
  return match[1]!;
}

/** A position in a tenant's list of approval requests of one status: the last request's time and id. */
export function encodeApprovalCursor(position: string): string {
  return Buffer.from(`a1:${position}`).toString('base64url');
}

export function decodeApprovalCursor(cursor: string): string {
  const match = /^a1:(\d{4}-\d{2}-\d{2}T[\d:.]+Z#[0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ProblemError('validation_error', 'cursor is not one this API issued');
  return match[1]!;
}
