import { nextExpiry } from '../domain/lots.ts';
import type { Account, LedgerEntry, OrderRecord } from '../domain/types.ts';
import { expiryIndexKeys, keys } from './keys.ts';

/** Item mappers: domain objects to table items and back. `entity` names each item's kind. */

type Item = Record<string, unknown>;

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'entity', 'ttl'];

function stripKeys<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

export function accountToItem(account: Account): Item {
  const expiry = nextExpiry(account.wallets.points);
  return {
    ...keys.account(account.tenantId, account.accountId),
    entity: 'ACCOUNT',
    ...(expiry ? expiryIndexKeys(account.tenantId, account.accountId, expiry) : {}),
    ...account,
  };
}

export const itemToAccount = (item: Item): Account => stripKeys<Account>(item);

export function ledgerEntryToItem(entry: LedgerEntry): Item {
  return { ...keys.ledgerEntry(entry.tenantId, entry.accountId, entry.wallet, entry.seq), entity: 'LEDGER', ...entry };
}

export const itemToLedgerEntry = (item: Item): LedgerEntry => stripKeys<LedgerEntry>(item);

export function orderToItem(order: OrderRecord): Item {
  return { ...keys.order(order.tenantId, order.sourceType, order.orderId), entity: 'ORDER', ...order };
}

export const itemToOrder = (item: Item): OrderRecord => stripKeys<OrderRecord>(item);
