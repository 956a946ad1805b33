import { describe, expect, it } from 'vitest';
import { USAGE_KEY_PATTERN, newUsageKeyValue } from '../../functions/security/usage-keys.ts';
import { usageKeyRegistry, type ApiGatewaySend } from '../../functions/usecases/usage-key-registry.ts';

/** Records the API Gateway commands sent, answering as API Gateway would. */
function fakeApiGateway() {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const client: ApiGatewaySend = {
    async send(command) {
      const name = command.constructor.name;
      sent.push({ command: name, input: command.input as Record<string, unknown> });
      if (name === 'GetUsagePlansCommand')
        return {
          items: [
            { id: 'p-std', name: 'rrr-dev-standard' },
            { id: 'p-high', name: 'rrr-dev-high' },
          ],
        };
      if (name === 'CreateApiKeyCommand') return { id: `k-${sent.length}` };
      return {};
    },
  };
  return { client, sent };
}

describe('usage keys', () => {
  it('are 160 random bits in the 20-128 alphanumerics API Gateway accepts as a key value', () => {
    const value = newUsageKeyValue();
    expect(value).toMatch(USAGE_KEY_PATTERN);
    expect(value).toMatch(/^[A-Za-z0-9]{20,128}$/);
    expect(newUsageKeyValue()).not.toBe(value);
  });
});

describe('usage key registry', () => {
  it('offline (no USAGE_PLAN_NAMES): registers nothing', async () => {
    const { client, sent } = fakeApiGateway();
    await usageKeyRegistry(undefined, client).register({ tenantId: 'acme', plan: 'standard', usageKeyValue: newUsageKeyValue() });
    expect(sent).toEqual([]);
  });

  it("on AWS: creates an API key with the tenant's value and puts it on the plan found by name (looked up once)", async () => {
    const { client, sent } = fakeApiGateway();
    const registry = usageKeyRegistry({ standard: 'rrr-dev-standard', high: 'rrr-dev-high' }, client);
    const value = newUsageKeyValue();
    await registry.register({ tenantId: 'acme', plan: 'high', usageKeyValue: value });
    await registry.register({ tenantId: 'beta', plan: 'high', usageKeyValue: newUsageKeyValue() });
    expect(sent.map((call) => call.command)).toEqual([
      'GetUsagePlansCommand',
      'CreateApiKeyCommand',
      'CreateUsagePlanKeyCommand',
      'CreateApiKeyCommand',
      'CreateUsagePlanKeyCommand',
    ]);
    expect(sent[1]!.input).toMatchObject({ name: 'tenant-acme', value, enabled: true });
    expect(sent[2]!.input).toEqual({ usagePlanId: 'p-high', keyId: 'k-2', keyType: 'API_KEY' });
  });

  it('fails (the tenant is then not created) when the stage has no plan of that name', async () => {
    const { client } = fakeApiGateway();
    const registry = usageKeyRegistry({ standard: 'missing', high: 'missing' }, client);
    await expect(registry.register({ tenantId: 'acme', plan: 'standard', usageKeyValue: newUsageKeyValue() })).rejects.toThrow(
      'No API Gateway usage plan named missing',
    );
  });
});
