import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/hash-chain.ts';

/** What makes two requests "the same" for idempotency: the operation, its ids and its body. */
export function requestHash(operationId: string, params: unknown, body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson({ operationId, params: params ?? null, body: body ?? null }))
    .digest('hex');
}
