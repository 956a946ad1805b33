/**
 * Creates and revokes partner keys against a deployed stack (docs/deploy.md).
 *
 *   npm run provision-tenant -- create --stage prod --tenant xcn --name "XXXChatNow" [--plan standard] [--scopes earn,redeem,read]
 *   npm run provision-tenant -- revoke --stage prod --tenant xcn --key-id key_0123456789abcdef
 *
 * It reads the stack's outputs from `cdk deploy --outputs-file cdk-outputs.json` (or
 * --outputs PATH) and uses the caller's AWS credentials and region. `create` runs the same
 * provisionTenant use case as the local service (tenant with default rules if new, a new
 * key stored only as its keyed hash), then makes sure the tenant's usage key (not the
 * partner key: API Gateway never holds partner keys) is an API Gateway API key on the
 * tenant's usage plan; run it again to finish a registration that failed half-way. The key
 * is printed once, to stdout; nothing else keeps it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import type { PartnerScope } from '../functions/domain/vocabulary.ts';
import { PARTNER_PLANS, usagePlanName, type PartnerPlan } from '../lib/partner-plans.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    stage: { type: 'string', default: 'dev' },
    outputs: { type: 'string', default: 'cdk-outputs.json' },
    tenant: { type: 'string' },
    name: { type: 'string' },
    plan: { type: 'string', default: 'standard' },
    scopes: { type: 'string' },
    'key-id': { type: 'string' },
  },
});

const stackOutputs = (JSON.parse(readFileSync(values.outputs, 'utf8')) as Record<string, Record<string, string>>)[`RedRoomRewards-${values.stage}`];
if (!stackOutputs?.TableName || !stackOutputs.HashKeySecretArn) throw new Error(`${values.outputs} has no outputs for RedRoomRewards-${values.stage}`);
// Set before the store and keyed-hash modules load: keyed-hash fetches the secret at import.
process.env.TABLE_NAME = stackOutputs.TableName;
process.env.HASH_KEY_SECRET_ARN = stackOutputs.HashKeySecretArn;
const apiGateway = new APIGatewayClient({});

async function create(): Promise<void> {
  const { tenant, name } = values;
  if (!tenant || !name) throw new Error('create needs --tenant and --name');
  if (!(values.plan in PARTNER_PLANS)) throw new Error(`--plan must be one of ${Object.keys(PARTNER_PLANS).join(', ')}`);
  const plans = (await apiGateway.send(new GetUsagePlansCommand({ limit: 500 }))).items ?? [];
  const planId = (plan: PartnerPlan) => plans.find((item) => item.name === usagePlanName(values.stage, plan))?.id;
  if (!planId(values.plan as PartnerPlan)) throw new Error(`No usage plan named ${usagePlanName(values.stage, values.plan as PartnerPlan)}: is the ${values.stage} stack deployed?`);

  const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
  const scopes = values.scopes ? (values.scopes.split(',') as PartnerScope[]) : undefined;
  const minted = await provisionTenant({ tenantId: tenant, displayName: name, plan: values.plan as PartnerPlan, ...(scopes ? { scopes } : {}) });
  // An existing tenant keeps its plan (and its usage key).
  const usagePlanId = planId(minted.usage.plan);
  if (!usagePlanId) throw new Error(`No usage plan named ${usagePlanName(values.stage, minted.usage.plan)}`);
  await ensureUsageKey(tenant, minted.usage.usageKeyValue, usagePlanId);
  console.error(
    `tenant ${tenant}: key ${minted.keyId}, tenant on plan ${usagePlanName(values.stage, minted.usage.plan)}. ` +
      'Hand the key below to the partner over a secure channel; it is not stored anywhere.',
  );
  console.log(minted.partnerKey);
}

/** The tenant's usage key as an API Gateway API key on its plan; what exists already is kept. */
async function ensureUsageKey(tenant: string, value: string, usagePlanId: string): Promise<void> {
  const { usageKeyName } = await import('../functions/security/usage-keys.ts');
  const existing = (await apiGateway.send(new GetApiKeysCommand({ nameQuery: usageKeyName(tenant), includeValues: true, limit: 500 }))).items?.find(
    (item) => item.value === value,
  );
  const keyId = existing?.id ?? (await apiGateway.send(new CreateApiKeyCommand({ name: usageKeyName(tenant), value, enabled: true }))).id!;
  try {
    await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }));
  } catch (error) {
    // Already on the plan: a run that finishes what an earlier one started.
    if ((error as Error).name !== 'ConflictException') throw error;
  }
}

async function revoke(): Promise<void> {
  const keyId = values['key-id'];
  const tenant = values.tenant;
  if (!keyId || !tenant) throw new Error('revoke needs --tenant and --key-id');
  // The same store calls as the admin API's revoke route: only the table knows partner keys.
  const [{ TransactWriteCommand }, { getDocumentClient }, { getApiKeyById, revokeApiKeyItem }] = await Promise.all([
    import('@aws-sdk/lib-dynamodb'),
    import('../functions/store/client.ts'),
    import('../functions/store/api-keys.ts'),
  ]);
  const record = await getApiKeyById(tenant, keyId);
  if (!record) throw new Error(`Tenant ${tenant} has no key ${keyId}`);
  if (record.status !== 'active') throw new Error(`Key ${keyId} is already ${record.status}`);
  await getDocumentClient().send(new TransactWriteCommand({ TransactItems: [revokeApiKeyItem(record, 'other', new Date().toISOString())] }));
  console.error(`key ${keyId} revoked; cached authorizer answers for it expire within 5 minutes.`);
}

const command = positionals[0];
if (command === 'create') await create();
else if (command === 'revoke') await revoke();
else throw new Error('usage: provision-tenant create|revoke (see the comment at the top of scripts/provision-tenant.ts)');
