import type { ApiResponse, PartnerClient } from '../support/local-api.ts';
import type { ModelRequest } from './reference-ledger.ts';

/** Sends a model request to the service over HTTP with the given Idempotency-Key. */
export function sendModelRequest(client: PartnerClient, key: string, request: ModelRequest): Promise<ApiResponse> {
  const headers = { 'idempotency-key': key };
  switch (request.kind) {
    case 'putAccount':
      return client.putAccount(request.accountId, request.body, headers);
    case 'earn':
      return client.earn(request.body, headers);
    case 'redeem':
      return client.redeem(request.body, headers);
    case 'reverse':
      return client.reverse(request.body, headers);
  }
}

export function describeRequest(request: ModelRequest): string {
  return request.kind === 'putAccount'
    ? `putAccount ${request.accountId} ${JSON.stringify(request.body)}`
    : `${request.kind} ${JSON.stringify(request.body)}`;
}
