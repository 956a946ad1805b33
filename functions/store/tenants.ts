import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONFIG_PROPAGATION_MS, normalizeTenantConfig, type TenantConfig } from '../domain/tenant-config.ts';
import { getDocumentClient, tableName } from './client.ts';
import { TENANT_DIRECTORY_PK } from './expiry-index.ts';
import { keys } from './keys.ts';
import type { TransactItem } from './transact.ts';

/**
 * Tenant configuration changes rarely and a new version takes effect no sooner than
 * CONFIG_PROPAGATION_MS after it is made, so a warm function may serve it from memory that
 * long and still price every event by the version in force: that read is not on the money
 * path's single consistent read.
 */
const CACHE_TTL_MS = CONFIG_PROPAGATION_MS;
const cache = new Map<string, { config: TenantConfig | undefined; loadedAt: number }>();

async function readTenantConfig(tenantId: string, consistent: boolean): Promise<TenantConfig | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId), ConsistentRead: consistent }),
  );
  return out.Item ? normalizeTenantConfig(out.Item.config as Record<string, unknown>) : undefined;
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

/**
 * The stored configuration and its revision (how many configuration changes the item has
 * taken; 0 for items from before revisions), for a change conditioned on nothing having moved.
 */
export async function getTenantConfigRevision(tenantId: string): Promise<{ config: TenantConfig; revision: number } | undefined> {
  const out = await getDocumentClient().send(new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const revision = typeof out.Item.configRevision === 'number' ? out.Item.configRevision : 0;
  return { config: normalizeTenantConfig(out.Item.config as Record<string, unknown>), revision };
}

/**
 * Replaces the tenant's configuration if its revision is still `revision` (a concurrent change
 * fails the transaction: the caller answers `concurrent_update`). The stream turns the write
 * into a `tenant.changed` audit record with the configuration before and after.
 */
export function tenantConfigUpdate(config: TenantConfig, revision: number): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.tenant(config.tenantId),
      UpdateExpression: 'SET config = :config, configRevision = :next',
      ConditionExpression:
        revision === 0
          ? 'attribute_exists(PK) AND attribute_not_exists(configRevision)'
          : 'attribute_exists(PK) AND configRevision = :revision',
      ExpressionAttributeValues: {
        ':config': config,
        ':next': revision + 1,
        ...(revision === 0 ? {} : { ':revision': revision }),
      },
    },
  };
}

/** This function's memory of the tenant is stale after a change it made itself. */
export const forgetTenantConfig = (tenantId: string) => cache.delete(tenantId);

/**
 * Which usage plan a tenant's partner traffic counts against, and the value of the API
 * Gateway API key standing for the tenant on it (functions/security/usage-keys.ts). Kept on
 * the tenant item beside, not inside, the money rules.
 */
export interface TenantUsage {
  plan: 'standard' | 'high';
  usageKeyValue: string;
}

function tenantItem(config: TenantConfig, usage: TenantUsage) {
  return {
    ...keys.tenant(config.tenantId),
    entity: 'TENANT',
    // The tenant directory in the sparse index: the expiry sweep lists tenants by a Query.
    GSI1PK: TENANT_DIRECTORY_PK,
    GSI1SK: config.tenantId,
    tenantId: config.tenantId,
    config,
    plan: usage.plan,
    usageKeyValue: usage.usageKeyValue,
  };
}

export function newTenantItem(config: TenantConfig, usage: TenantUsage): TransactItem {
  return { Put: { TableName: tableName(), Item: tenantItem(config, usage), ConditionExpression: 'attribute_not_exists(PK)' } };
}

/**
 * Creates the tenant unless it exists; returns the stored configuration and usage key either
 * way. A tenant stored before usage keys existed gets the given one (nothing else changes).
 */
export async function putTenantIfAbsent(config: TenantConfig, usage: TenantUsage): Promise<{ config: TenantConfig; usage: TenantUsage }> {
  try {
    await getDocumentClient().send(
      new PutCommand({ TableName: tableName(), Item: tenantItem(config, usage), ConditionExpression: 'attribute_not_exists(PK)' }),
    );
    return { config, usage };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const existing = await getTenantConfigNow(config.tenantId);
    if (!existing) throw error;
    await joinTenantDirectory(config.tenantId);
    return { config: existing, usage: await setTenantUsageIfAbsent(config.tenantId, usage) };
  }
}

/**
 * Puts a tenant stored before the tenant directory existed (no GSI1PK) into it, so the expiry
 * sweep lists it; nothing when it is there already or the tenant does not exist. Called when a
 * tenant is provisioned again (npm start's demo tenant, provisioning scripts) and by
 * `npm run admin -- expire --tenant T`: a backfill one tenant at a time, never a scan.
 * Returns whether it joined now.
 */
export async function joinTenantDirectory(tenantId: string): Promise<boolean> {
  try {
    await getDocumentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.tenant(tenantId),
        UpdateExpression: 'SET GSI1PK = :pk, GSI1SK = :sk',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(GSI1PK)',
        ExpressionAttributeValues: { ':pk': TENANT_DIRECTORY_PK, ':sk': tenantId },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return false;
  }
}

async function setTenantUsageIfAbsent(tenantId: string, usage: TenantUsage): Promise<TenantUsage> {
  try {
    await getDocumentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.tenant(tenantId),
        UpdateExpression: 'SET #plan = :plan, usageKeyValue = :value',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(usageKeyValue)',
        ExpressionAttributeNames: { '#plan': 'plan' },
        ExpressionAttributeValues: { ':plan': usage.plan, ':value': usage.usageKeyValue },
      }),
    );
    return usage;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const stored = await readTenantUsage(tenantId, true);
    if (!stored) throw error;
    return stored;
  }
}

async function readTenantUsage(tenantId: string, consistent: boolean): Promise<TenantUsage | undefined> {
  const out = await getDocumentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.tenant(tenantId),
      ConsistentRead: consistent,
      ProjectionExpression: '#plan, usageKeyValue',
      ExpressionAttributeNames: { '#plan': 'plan' },
    }),
  );
  const item = out.Item;
  return typeof item?.usageKeyValue === 'string'
    ? { plan: item.plan as TenantUsage['plan'], usageKeyValue: item.usageKeyValue }
    : undefined;
}

const usageCache = new Map<string, { usage: TenantUsage; loadedAt: number }>();

/**
 * For the partner authorizer: a tenant's usage key changes only when its plan is moved, and
 * API Gateway caches the authorizer's answer for minutes anyway, so a minute in memory is fine.
 */
export async function getTenantUsage(tenantId: string): Promise<TenantUsage | undefined> {
  const cached = usageCache.get(tenantId);
  if (cached && Date.now() - cached.loadedAt < CACHE_TTL_MS) return cached.usage;
  const usage = await readTenantUsage(tenantId, false);
  // Only found keys are kept: a tenant whose key is being set up is asked again next time.
  if (usage) usageCache.set(tenantId, { usage, loadedAt: Date.now() });
  return usage;
}
