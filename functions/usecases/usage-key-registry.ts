import { API_GATEWAY_CLIENT_LIMITS } from '../config/sdk-clients.ts';
import type { TenantUsage } from '../store/tenants.ts';
import { usageKeyName } from '../security/usage-keys.ts';

/**
 * Where a tenant's usage key is made known to the gateway. On AWS that is API Gateway:
 * `CreateApiKey` with the tenant's value, then `CreateUsagePlanKey` on its plan. Offline the
 * local gateway throttles by the usage key the authorizer returns and needs no registration.
 */
export interface UsageKeyRegistry {
  register(input: { tenantId: string } & TenantUsage): Promise<void>;
}

/** The slice of the API Gateway client this needs, so tests can hand in a fake. */
export interface ApiGatewaySend {
  send(command: { input: unknown; constructor: { name: string } }): Promise<Record<string, unknown>>;
}

const offline: UsageKeyRegistry = { register: async () => {} };

/**
 * API Gateway when the stack told this function its usage plans' names (USAGE_PLAN_NAMES,
 * functions/config/usage-plans.ts), otherwise (the local service, tests) nothing to register.
 * Plans are found by name at first use: the stack cannot pass their ids (the API's deployment
 * depends on this function, the plans on the deployment's stage).
 */
export function usageKeyRegistry(planNames: Record<TenantUsage['plan'], string> | undefined, client?: ApiGatewaySend): UsageKeyRegistry {
  return planNames ? apiGatewayUsageKeyRegistry(planNames, client) : offline;
}

export function apiGatewayUsageKeyRegistry(planNames: Record<TenantUsage['plan'], string>, client?: ApiGatewaySend): UsageKeyRegistry {
  let sdk: Promise<typeof import('@aws-sdk/client-api-gateway')> | undefined;
  let apiGateway: ApiGatewaySend | undefined = client;
  const planIds = new Map<string, string>();

  async function planId(plan: TenantUsage['plan']): Promise<string> {
    const name = planNames[plan];
    const known = planIds.get(name);
    if (known) return known;
    const { GetUsagePlansCommand } = await (sdk ??= import('@aws-sdk/client-api-gateway'));
    const out = await apiGateway!.send(new GetUsagePlansCommand({ limit: 500 }));
    const found = (out.items as { id?: string; name?: string }[] | undefined)?.find((item) => item.name === name);
    if (!found?.id) throw new Error(`No API Gateway usage plan named ${name}`);
    planIds.set(name, found.id);
    return found.id;
  }

  return {
    async register({ tenantId, plan, usageKeyValue }) {
      const { APIGatewayClient, CreateApiKeyCommand, CreateUsagePlanKeyCommand } = await (sdk ??= import('@aws-sdk/client-api-gateway'));
      apiGateway ??= new APIGatewayClient({ ...API_GATEWAY_CLIENT_LIMITS }) as unknown as ApiGatewaySend;
      const usagePlanId = await planId(plan);
      const created = await apiGateway.send(
        new CreateApiKeyCommand({
          name: usageKeyName(tenantId),
          value: usageKeyValue,
          enabled: true,
          description: `Usage key of tenant ${tenantId} on plan ${planNames[plan]}; not a credential (the API's key source is AUTHORIZER)`,
        }),
      );
      await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: created.id as string, keyType: 'API_KEY' }));
    },
  };
}
