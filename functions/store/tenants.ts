import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantConfig } from '../domain/tenant-config.ts';
import { getDocumentClient, tableName } from './client.ts';
import { keys } from './keys.ts';
import type { TransactItem } from './transact.ts';

/**
 * Tenant configuration changes rarely and new rule versions take effect at a future
 * `effectiveFrom`, so a warm function may serve it from memory for a minute: that read is
 * not on the money path's single consistent read.
 */
const CACHE_TTL_MS = 60_000;
const cache = new Map<string, { config: TenantConfig | undefined; loadedAt: number }>();

async function readTenantConfig(tenantId: string, consistent: boolean): Promise<TenantConfig | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId), ConsistentRead: consistent }),
  );
  return out.Item ? (out.Item.config as TenantConfig) : undefined;
}

export async function getTenantConfig(tenantId: string): Promise<TenantConfig | undefined> {
  const cached = cache.get(tenantId);
  if (cached && Date.now() - cached.loadedAt < CACHE_TTL_MS) return cached.config;
  const config = await readTenantConfig(tenantId, false);
  cache.set(tenantId, { config, loadedAt: Date.now() });
  return config;
}

/** For operators: what is stored right now, not what a warm function remembers. */
export const getTenantConfigNow = (tenantId: string) => readTenantConfig(tenantId, true);

function tenantItem(config: TenantConfig) {
  return { ...keys.tenant(config.tenantId), entity: 'TENANT', tenantId: config.tenantId, config };
}

export function newTenantItem(config: TenantConfig): TransactItem {
  return { Put: { TableName: tableName(), Item: tenantItem(config), ConditionExpression: 'attribute_not_exists(PK)' } };
}

/** Creates the tenant unless it exists; returns the stored configuration either way. */
export async function putTenantIfAbsent(config: TenantConfig): Promise<TenantConfig> {
  try {
    await getDocumentClient().send(
      new PutCommand({ TableName: tableName(), Item: tenantItem(config), ConditionExpression: 'attribute_not_exists(PK)' }),
    );
    return config;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const existing = await getTenantConfigNow(config.tenantId);
    if (!existing) throw error;
    return existing;
  }
}
