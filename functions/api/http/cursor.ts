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
