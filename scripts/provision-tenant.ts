import { readFile } from 'node:fs/promises';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import type { PartnerScope } from '../functions/api/route-types.ts';
import { PARTNER_PLANS, usagePlanName, type PartnerPlan } from '../lib/partner-plans.ts';
import { parseCli, requiredOption, runCli, UsageError } from './cli-args.ts';

const SCOPES: PartnerScope[] = ['accounts', 'earn', 'redeem', 'read', 'transfer', 'award', 'merge'];
const REASONS = ['compromised', 'rotated', 'partner_offboarded', 'unused', 'other'] as const;

const spec = {
  command: 'npm run provision-tenant --',
  usage: `Usage:
  npm run provision-tenant -- create --stage STAGE --tenant ID --name NAME [--plan standard] [--scopes earn,redeem,read]
  npm run provision-tenant -- revoke --stage STAGE --tenant ID --key-id key_0123456789abcdef --reason ${REASONS.join('|')}

Creates and revokes partner keys against a deployed stack (docs/deploy.md), with the caller's
AWS credentials and region and the stack outputs of \`cdk deploy --outputs-file\`.

  create   the tenant with default rules if new, and a new key through the partner key use
           case (stored only as its keyed hash), registered with API Gateway on the plan's
           usage plan. The key is printed once, to stdout; nothing else keeps it.
  revoke   revokes the key through the same use case (its reason recorded) and deletes it
           from API Gateway.

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
    throw new UsageError(command === undefined ? 'a command is required: create or revoke' : `unknown command "${command}": use create or revoke`);
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
    throw new Error(`cannot read the stack outputs ${values.outputs} (${(error as Error).message}): run cdk deploy --outputs-file ${values.outputs}, or pass --outputs`);
  }
  const stackOutputs = outputs[`RedRoomRewards-${values.stage}`];
  if (!stackOutputs?.TableName || !stackOutputs.HashKeySecretArn) throw new Error(`${values.outputs} has no outputs for RedRoomRewards-${values.stage}`);
  // Set before the store and keyed-hash modules load: keyed-hash fetches the secret at import.
  process.env.TABLE_NAME = stackOutputs.TableName;
  process.env.HASH_KEY_SECRET_ARN = stackOutputs.HashKeySecretArn;
  const apiGateway = new APIGatewayClient({});

  if (args.command === 'create') {
    const planName = usagePlanName(values.stage, args.plan);
    const plan = (await apiGateway.send(new GetUsagePlansCommand({ limit: 500 }))).items?.find((item) => item.name === planName);
    if (!plan?.id) throw new Error(`No usage plan named ${planName}: is the ${values.stage} stack deployed?`);
    const { provisionTenant } = await import('../functions/usecases/provision-tenant.ts');
    const minted = await provisionTenant({ tenantId: args.tenant, displayName: args.name, ...(args.scopes ? { scopes: args.scopes } : {}) });
    const apiKey = await apiGateway.send(
      new CreateApiKeyCommand({ name: minted.keyId, value: minted.partnerKey, enabled: true, description: `partner key of tenant ${args.tenant}`, tags: { tenant: args.tenant } }),
    );
    await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: apiKey.id!, keyType: 'API_KEY' }));
    console.error(`tenant ${args.tenant}: key ${minted.keyId} on plan ${planName}. Hand the key below to the partner over a secure channel; it is not stored anywhere.`);
    console.log(minted.partnerKey);
    return;
  }

  const { revokePartnerKey, commitPartnerKeyChange } = await import('../functions/usecases/partner-keys.ts');
  const change = await revokePartnerKey({ tenantId: args.tenant, keyId: args.keyId, reason: args.reason, now: new Date().toISOString() });
  await commitPartnerKeyChange(change);
  const registered = (await apiGateway.send(new GetApiKeysCommand({ nameQuery: args.keyId }))).items?.find((item) => item.name === args.keyId);
  if (registered?.id) await apiGateway.send(new DeleteApiKeyCommand({ apiKey: registered.id }));
  console.error(
    `key ${args.keyId} of tenant ${args.tenant} revoked (${args.reason})${registered?.id ? ' and removed from API Gateway' : '; it was not registered with API Gateway'}; cached authorizer answers for it expire within 5 minutes.`,
  );
});
