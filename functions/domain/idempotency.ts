/**
 * What to do with a request given the idempotency record stored under its key, if any:
 * nothing stored means decide afresh; the same request hash means answer as before; another
 * hash means the key was reused for a different request.
 */
export type ReplayDecision = 'proceed' | 'replay' | 'reused';

export function replayDecision(stored: { requestHash: string } | undefined, requestHash: string): ReplayDecision {
  if (!stored) return 'proceed';
  return stored.requestHash === requestHash ? 'replay' : 'reused';
}

/**
 * Who a key belongs to. Each caller kind has its own space per tenant, so a partner's key
 * never meets an operator's, and workflow or scheduled steps (keys derived from their own
 * ids) meet neither.
 */
export type IdempotencyNamespace = 'partner' | 'operator' | 'system';

export interface IdempotencyRef {
  namespace: IdempotencyNamespace;
  key: string;
}
