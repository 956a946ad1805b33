import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantConfig } from '../domain/tenant-config.ts';
import { getDocumentClient, tableName } from './client.ts';
import { keys } from './keys.ts';

/**
 * Tenant configuration changes rarely and new rule versions take effect at a future
 * `effectiveFrom`, so a warm function may serve it from memory for a minute: that read is
 * not on the money path's single consistent read.
 */
const CACHE_TTL_MS = 60_000;
const cache = new Map<string, { config: TenantConfig | undefined; loadedAt: number }>();

export async function getTenantConfig(tenantId: string): Promise<TenantConfig | undefined> {
  const cached = cache.get(tenantId);
  if (cached && Date.now() - cached.loadedAt < CACHE_TTL_MS) return cached.config;
  const out = await getDocumentClient().send(new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId) }));
  const config = out.Item ? (out.Item.config as TenantConfig) : undefined;
  cache.set(tenantId, { config, loadedAt: Date.now() });
  return config;
}

/** Creates the tenant unless it exists; returns the stored configuration either way. */
export async function putTenantIfAbsent(config: TenantConfig): Promise<TenantConfig> {
  try {
    await getDocumentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.tenant(config.tenantId), entity: 'TENANT', tenantId: config.tenantId, config },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return config;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    cache.delete(config.tenantId);
    const existing = await getTenantConfig(config.tenantId);
    if (!existing) throw error;
    return existing;
  }
}
