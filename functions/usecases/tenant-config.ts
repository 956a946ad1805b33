import type { TenantConfig } from '../domain/tenant-config.ts';
import { ProblemError } from './problem-error.ts';
import { getTenantConfig } from '../store/tenants.ts';

export async function requireTenantConfig(tenantId: string): Promise<TenantConfig> {
  const config = await getTenantConfig(tenantId);
  if (!config) throw new ProblemError('forbidden', 'This key belongs to a tenant that is not provisioned');
  return config;
}
