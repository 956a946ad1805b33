import type { ApiResponse, PartnerClient } from '../support/local-api.ts';
import type { ModelRequest } from './reference-ledger.ts';

/** The service as the model talks to it: a partner's client, and an admin's of the same tenant for locks. */
export interface ModelClients {
  partner: PartnerClient;
  operator?: { tenantId: string; call: PartnerClient['call'] };
}

/** Sends a model request to the service over HTTP with the given Idempotency-Key. */
export function sendModelRequest(clients: ModelClients, key: string, request: ModelRequest): Promise<ApiResponse> {
  const headers = { 'idempotency-key': key };
  const client = clients.partner;
  switch (request.kind) {
    case 'putAccount':
      return client.putAccount(request.accountId, request.body, headers);
    case 'earn':
      return client.earn(request.body, headers);
    case 'redeem':
      return client.redeem(request.body, headers);
    case 'reverse':
      return client.reverse(request.body, headers);
    case 'hold':
      return client.hold(request.body, headers);
    case 'commitHold':
      return client.commitHold(request.redemptionId, headers);
    case 'releaseHold':
      return client.releaseHold(request.redemptionId, headers);
    case 'lock':
    case 'unlock': {
      const operator = clients.operator;
      if (!operator) throw new Error('model: a lock request needs the operator client');
      const locks = `/api/v1/admin/tenants/${operator.tenantId}/accounts/${request.accountId}/locks`;
      const path = request.kind === 'lock' ? locks : `${locks}/${request.lockId}/lift`;
      return operator.call('POST', path, request.body, headers);
    }
  }
}

export function describeRequest(request: ModelRequest): string {
  if (request.kind === 'putAccount' || request.kind === 'lock')
    return `${request.kind} ${request.accountId} ${JSON.stringify(request.body)}`;
  if (request.kind === 'unlock') return `unlock ${request.accountId} ${request.lockId}`;
  if (request.kind === 'commitHold' || request.kind === 'releaseHold') return `${request.kind} ${request.redemptionId}`;
  return `${request.kind} ${JSON.stringify(request.body)}`;
}
