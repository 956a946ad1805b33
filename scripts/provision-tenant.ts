/**
 * Creates and revokes partner keys against a deployed stack (docs/deploy.md).
 *
 *   npm run provision-tenant -- create --stage prod --tenant xcn --name "XXXChatNow" [--plan standard] [--scopes earn,redeem,read]
 *   npm run provision-tenant -- revoke --stage prod --key-id key_0123456789abcdef
 *
 * It reads the stack's outputs from `cdk deploy --outputs-file cdk-outputs.json` (or
 * --outputs PATH) and uses the caller's AWS credentials and region. `create` runs the same
 * provisionTenant use case as the local service (tenant with default rules if new, a new
 * key stored only as its keyed hash), then registers the key with API Gateway on the
 * partner's usage plan. The key is printed once, to stdout; nothing else keeps it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
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
  const planName = usagePlanName(values.stage, values.plan as PartnerPlan);
  const plan = (await apiGateway.send(new GetUsagePlansCommand({ limit: 500 }))).items?.find((item) => item.name === planName);
  if (!plan?.id) throw new Error(`No usage plan named ${planName}: is the ${values.stage} stack deployed?`);

  const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
  const scopes = values.scopes ? (values.scopes.split(',') as PartnerScope[]) : undefined;
  const minted = await provisionTenant({ tenantId: tenant, displayName: name, ...(scopes ? { scopes } : {}) });
  const apiKey = await apiGateway.send(
    new CreateApiKeyCommand({ name: minted.keyId, value: minted.partnerKey, enabled: true, description: `partner key of tenant ${tenant}`, tags: { tenant } }),
  );
  await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: apiKey.id!, keyType: 'API_KEY' }));
  console.error(`tenant ${tenant}: key ${minted.keyId} on plan ${planName}. Hand the key below to the partner over a secure channel; it is not stored anywhere.`);
  console.log(minted.partnerKey);
}

async function revoke(): Promise<void> {
  const keyId = values['key-id'];
  if (!keyId) throw new Error('revoke needs --key-id');
  // API Gateway holds the key's value; its keyed hash is the ledger's id for it (no scan needed).
  const found = (await apiGateway.send(new GetApiKeysCommand({ nameQuery: keyId, includeValues: true }))).items?.find((item) => item.name === keyId);
  if (!found?.value || !found.id) throw new Error(`No API Gateway key named ${keyId}`);
  const [{ UpdateCommand }, { getDocumentClient, tableName }, { keys }, { partnerKeyHash }] = await Promise.all([
    import('@aws-sdk/lib-dynamodb'),
    import('../functions/store/client.ts'),
    import('../functions/store/keys.ts'),
    import('../functions/security/partner-keys.ts'),
  ]);
  await getDocumentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.apiKey(partnerKeyHash(found.value)),
      UpdateExpression: 'SET #status = :revoked, revokedAt = :now',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':revoked': 'revoked', ':now': new Date().toISOString() },
    }),
  );
  await apiGateway.send(new DeleteApiKeyCommand({ apiKey: found.id }));
  console.error(`key ${keyId} revoked; cached authorizer answers for it expire within 5 minutes.`);
}

const command = positionals[0];
if (command === 'create') await create();
else if (command === 'revoke') await revoke();
else throw new Error('usage: provision-tenant create|revoke (see the comment at the top of scripts/provision-tenant.ts)');
