import { type ConfigVersion, defaultTenantConfig } from '../domain/tenant-config.ts';
import type { PartnerScope } from '../domain/vocabulary.ts';
import { newUsageKeyValue } from '../security/usage-keys.ts';
import { putTenantIfAbsent, type TenantUsage } from '../store/tenants.ts';
import { ALL_PARTNER_SCOPES, commitPartnerKeyChange, createPartnerKey } from './partner-keys.ts';

export { ALL_PARTNER_SCOPES } from './partner-keys.ts';

/**
 * Bootstrap path for the local service and deploy scripts (operators use the admin routes):
 * creates the tenant with default rules if it does not exist and mints a new partner key
 * through the partner key use case. The key is returned once and stored only as its keyed
 * hash. The tenant's usage key (new, or the one it has) is returned for the deploy script to
 * register with API Gateway.
 */
export async function provisionTenant(input: {
  tenantId: string;
  displayName: string;
  scopes?: PartnerScope[];
  limits?: Partial<ConfigVersion['limits']>;
  /** Redemption figures other than the defaults (benches and tests of hot accounts raise the anti-fraud counts). */
  redemption?: Partial<ConfigVersion['redemption']>;
  plan?: TenantUsage['plan'];
  label?: string;
  now?: Date;
}): Promise<{ tenantId: string; partnerKey: string; keyId: string; usage: TenantUsage }> {
  const usage = await ensureTenant(input);
  const change = await commitPartnerKeyChange(
    createPartnerKey({
      tenantId: input.tenantId,
      scopes: input.scopes ?? ALL_PARTNER_SCOPES,
      now: (input.now ?? new Date()).toISOString(),
      ...(input.label ? { label: input.label } : {}),
    }),
  );
  return { tenantId: input.tenantId, partnerKey: change.key, keyId: change.record.keyId, usage };
}

/** The tenant with default rules and a usage key on its plan, unless it exists already. */
export async function ensureTenant(input: {
  tenantId: string;
  displayName: string;
  limits?: Partial<ConfigVersion['limits']>;
  redemption?: Partial<ConfigVersion['redemption']>;
  plan?: TenantUsage['plan'];
}): Promise<TenantUsage> {
  // Rules apply from the epoch so events dated before the tenant existed still price.
  const config = defaultTenantConfig(input.tenantId, input.displayName, '1970-01-01T00:00:00.000Z');
  const { limits, redemption } = input;
  const withLimits = {
    ...config,
    versions: config.versions.map((v) => ({
      ...v,
      limits: { ...v.limits, ...limits },
      redemption: { ...v.redemption, ...redemption },
    })),
  };
  const { usage } = await putTenantIfAbsent(withLimits, {
    plan: input.plan ?? 'standard',
    usageKeyValue: newUsageKeyValue(),
  });
  return usage;
}
