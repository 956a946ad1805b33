import type { TenantConfig } from '../domain/tenant-config.ts';
import { refuse } from '../domain/result.ts';
import { Refused } from './refused.ts';
import { getTenantConfig } from '../store/tenants.ts';

export async function requireTenantConfig(tenantId: string): Promise<TenantConfig> {
  const config = await getTenantConfig(tenantId);
  if (!config) throw new Refused(refuse('tenant_not_provisioned', 'This key belongs to a tenant that is not provisioned'));
  return config;
}
