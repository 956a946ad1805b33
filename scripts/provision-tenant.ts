import { readFile } from 'node:fs/promises';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { PARTNER_SCOPES, type PartnerScope } from '../functions/domain/vocabulary.ts';
import { PARTNER_PLANS, usagePlanName, type PartnerPlan } from '../lib/partner-plans.ts';
import { parseCli, requiredOption, runCli, UsageError } from './cli-args.ts';

const SCOPES: readonly PartnerScope[] = PARTNER_SCOPES;
const REASONS = ['compromised', 'rotated', 'partner_offboarded', 'unused', 'other'] as const;

const spec = {
  command: 'npm run provision-tenant --',
  usage: `Usage:
  npm run provision-tenant -- create --stage STAGE --tenant ID --name NAME [--plan standard] [--scopes earn,redeem,read]
  npm run provision-tenant -- revoke --stage STAGE --tenant ID --key-id key_0123456789abcdef --reason ${REASONS.join('|')}

Creates and revokes partner keys against a deployed stack (docs/deploy.md), with the caller's
AWS credentials and region and the stack outputs of \`cdk deploy --outputs-file\`.

  create   the tenant with default rules if new, and a new key through the partner key use
           case (stored only as its keyed hash). The key is printed once, to stdout; nothing
           else keeps it. It also makes sure the tenant's usage key (not the partner key: API
           Gateway never holds partner keys) is an API Gateway API key on the tenant's usage
           plan; run it again to finish a registration that failed half-way.
  revoke   revokes the key through the same use case (its reason recorded); only the table
           knows partner keys.

Options:
  --stage    the stage the stack was deployed as (default dev)
  --outputs  the outputs file (default cdk-outputs.json)
  --plan     ${Object.keys(PARTNER_PLANS).join(', ')} (default standard)
  --scopes   comma-separated, of ${SCOPES.join(', ')} (default all)
  -h, --help this text`,
  allowPositionals: true,
  options: {
    stage: { type: 'string', default: 'dev' },
    outputs: { type: 'string', default: 'cdk-outputs.json' },
    tenant: { type: 'string' },
    name: { type: 'string' },
    plan: { type: 'string', default: 'standard' },
    scopes: { type: 'string' },
    'key-id': { type: 'string' },
    reason: { type: 'string' },
  },
} as const;

const { positionals, values } = parseCli(spec);

/** Usage is checked in full before anything touches AWS. */
function checkedArguments() {
  const [command, ...extra] = positionals;
  if (command !== 'create' && command !== 'revoke') {
    throw new UsageError(
      command === undefined ? 'a command is required: create or revoke' : `unknown command "${command}": use create or revoke`,
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const tenant = requiredOption('tenant', values.tenant, `for ${command}`);
  if (command === 'revoke') {
    const keyId = requiredOption('key-id', values['key-id'], 'for revoke');
    const reason = requiredOption('reason', values.reason, 'for revoke');
    if (!(REASONS as readonly string[]).includes(reason)) throw new UsageError(`--reason must be one of ${REASONS.join(', ')}`);
    return { command, tenant, keyId, reason: reason as (typeof REASONS)[number] } as const;
  }
  const name = requiredOption('name', values.name, 'for create');
  if (!(values.plan in PARTNER_PLANS)) throw new UsageError(`--plan must be one of ${Object.keys(PARTNER_PLANS).join(', ')}`);
  const scopes = values.scopes?.split(',');
  const unknown = scopes?.find((scope) => !SCOPES.includes(scope as PartnerScope));
  if (scopes !== undefined && (scopes.length === 0 || unknown !== undefined)) {
    throw new UsageError(`--scopes must list some of ${SCOPES.join(', ')}${unknown !== undefined ? `, not "${unknown}"` : ''}`);
  }
  return { command, tenant, name, plan: values.plan as PartnerPlan, scopes: scopes as PartnerScope[] | undefined } as const;
}

await runCli(spec, async () => {
  const args = checkedArguments();
  let outputs: Record<string, Record<string, string>>;
  try {
    outputs = JSON.parse(await readFile(values.outputs, 'utf8')) as typeof outputs;
  } catch (error) {
    throw new Error(
      `cannot read the stack outputs ${values.outputs} (${(error as Error).message}): run cdk deploy --outputs-file ${values.outputs}, or pass --outputs`,
    );
  }
  const stackOutputs = outputs[`RedRoomRewards-${values.stage}`];
  if (!stackOutputs?.TableName || !stackOutputs.HashKeySecretArn)
    throw new Error(`${values.outputs} has no outputs for RedRoomRewards-${values.stage}`);
  // Set before the store and keyed-hash modules load: keyed-hash fetches the secret at import.
  process.env.TABLE_NAME = stackOutputs.TableName;
  process.env.HASH_KEY_SECRET_ARN = stackOutputs.HashKeySecretArn;
  const apiGateway = new APIGatewayClient({});

  if (args.command === 'create') {
    const plans = (await apiGateway.send(new GetUsagePlansCommand({ limit: 500 }))).items ?? [];
    const planId = (plan: PartnerPlan) => plans.find((item) => item.name === usagePlanName(values.stage, plan))?.id;
    if (!planId(args.plan))
      throw new Error(`No usage plan named ${usagePlanName(values.stage, args.plan)}: is the ${values.stage} stack deployed?`);
    const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
    const minted = await provisionTenant({
      tenantId: args.tenant,
      displayName: args.name,
      plan: args.plan,
      ...(args.scopes ? { scopes: args.scopes } : {}),
    });
    // An existing tenant keeps its plan (and its usage key).
    const usagePlanId = planId(minted.usage.plan);
    if (!usagePlanId) throw new Error(`No usage plan named ${usagePlanName(values.stage, minted.usage.plan)}`);
    await ensureUsageKey(apiGateway, args.tenant, minted.usage.usageKeyValue, usagePlanId);
    console.error(
      `tenant ${args.tenant}: key ${minted.keyId}, tenant on plan ${usagePlanName(values.stage, minted.usage.plan)}. ` +
        'Hand the key below to the partner over a secure channel; it is not stored anywhere.',
    );
    console.log(minted.partnerKey);
    return;
  }

  const { revokePartnerKey, commitPartnerKeyChange } = await import('../functions/usecases/partner-keys.ts');
  await commitPartnerKeyChange(
    await revokePartnerKey({ tenantId: args.tenant, keyId: args.keyId, reason: args.reason, now: new Date().toISOString() }),
  );
  console.error(
    `key ${args.keyId} of tenant ${args.tenant} revoked (${args.reason}); cached authorizer answers for it expire within 5 minutes.`,
  );
});

/** The tenant's usage key as an API Gateway API key on its plan; what exists already is kept. */
async function ensureUsageKey(apiGateway: APIGatewayClient, tenant: string, value: string, usagePlanId: string): Promise<void> {
  const { usageKeyName } = await import('../functions/security/usage-keys.ts');
  const existing = (
    await apiGateway.send(new GetApiKeysCommand({ nameQuery: usageKeyName(tenant), includeValues: true, limit: 500 }))
  ).items?.find((item) => item.value === value);
  const keyId = existing?.id ?? (await apiGateway.send(new CreateApiKeyCommand({ name: usageKeyName(tenant), value, enabled: true }))).id!;
  try {
    await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }));
  } catch (error) {
    // Already on the plan: a run that finishes what an earlier one started.
    if ((error as Error).name !== 'ConflictException') throw error;
  }
}
