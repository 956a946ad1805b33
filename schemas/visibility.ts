/**
 * Fields only operators may see. Partner response schemas must never name any of them; a
 * test walks every partner route's response schemas to prove it.
 */
export const OPERATOR_ONLY_FIELDS = [
  'actor',
  'clientMeta',
  'ipHash',
  'deviceHash',
  'idempotencyKey',
  'requestId',
  'correlationId',
  'fraudFlag',
  'riskScore',
  'risk',
  'adminNote',
  'approvals',
  'reasonNote',
  'keyHash',
  'version',
  // An account's qualification state (window buckets, partner floor): partners see the tier only.
  'tierStatus',
] as const;
