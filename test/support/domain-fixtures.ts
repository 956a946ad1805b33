import { GENESIS_HASH } from '../../functions/domain/hash-chain.ts';
import { emptyWallet } from '../../functions/domain/lots.ts';
import { defaultTenantConfig } from '../../functions/domain/tenant-config.ts';
import type { Account, RequestContext } from '../../functions/domain/types.ts';

export const NOW = '2026-06-01T12:00:00.000Z';

export const config = defaultTenantConfig('t1', 'Tenant one', '2020-01-01T00:00:00.000Z');

export function account(overrides: Partial<Account> = {}): Account {
  return {
    tenantId: 't1',
    accountId: 'a1',
    profile: { profileId: 'p1', role: 'CONSUMER' },
    verification: { email: true, phone: false, enhanced: false },
    tier: 'Guest',
    fraudFlag: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 3,
    wallets: { points: emptyWallet(GENESIS_HASH) },
    locks: [],
    ...overrides,
  };
}

export function ctx(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    tenantId: 't1',
    now: NOW,
    transactionId: 'tx-1',
    requestId: 'req-1',
    idempotencyKey: 'idem-1',
    idempotencyNamespace: 'partner',
    actor: { kind: 'partner', id: 'key_1' },
    ...overrides,
  };
}
