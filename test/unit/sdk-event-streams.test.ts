import { readFileSync } from 'node:fs';
import { NormalizedSchema } from '@smithy/core/schema';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { repoRoot, sourceFiles } from '../support/import-scan.ts';

/**
 * Bundles carry a stand-in for the SDK's event-stream module (functions/config/no-event-streams.ts):
 * an operation that streams events would fail on AWS while passing every test that runs the
 * sources. So every SDK command the functions name (imported, or destructured from a dynamic
 * import) is looked up here and must have no event-stream member in its input or output. The
 * schemas are read with the SDK's own reader (@smithy/core, which every client depends on).
 */
const SDK_PACKAGE = /['"](@aws-sdk\/(?:client-[\w-]+|lib-dynamodb))['"]/g;

function commandsNamed(): { file: string; pkg: string; name: string }[] {
  const found: { file: string; pkg: string; name: string }[] = [];
  for (const file of sourceFiles('functions')) {
    const source = readFileSync(join(repoRoot, file), 'utf8');
    const packages = new Set([...source.matchAll(SDK_PACKAGE)].map((match) => match[1]!));
    const names = new Set([...source.matchAll(/\b([A-Z]\w*Command)\b/g)].map((match) => match[1]!));
    for (const pkg of packages) for (const name of names) found.push({ file, pkg, name });
  }
  return found;
}

/** The operation schema a command sends: lib-dynamodb's commands wrap the client's. */
function operationSchema(command: { schema?: unknown; clientCommand?: { schema?: unknown } }): unknown[] {
  const schema = command.clientCommand?.schema ?? command.schema;
  if (!Array.isArray(schema) || schema[0] !== 9) throw new Error('not an operation schema');
  return schema;
}

describe('SDK operations the functions call', () => {
  it('none streams events, so the bundles need no event-stream module', async () => {
    const checked: string[] = [];
    for (const { pkg, name } of commandsNamed()) {
      const module = (await import(pkg)) as Record<string, unknown>;
      const Command = module[name] as (new (input: unknown) => { schema?: unknown; clientCommand?: { schema?: unknown } }) | undefined;
      if (typeof Command !== 'function') continue; // a name this package does not export
      // lib-dynamodb marshalls its input in the constructor; an empty transaction is enough.
      const schema = operationSchema(new Command(name === 'TransactWriteCommand' ? { TransactItems: [] } : {}));
      const [, , , , input, output] = schema;
      const streaming = [input, output].map((part) => NormalizedSchema.of(part as never).getEventStreamMember()).filter(Boolean);
      expect(streaming, `${pkg} ${name}`).toEqual([]);
      checked.push(`${pkg} ${name}`);
    }
    // The scan sees the commands: DynamoDB's transaction, S3's reads and writes, the secret.
    expect(checked).toEqual(
      expect.arrayContaining([
        '@aws-sdk/lib-dynamodb TransactWriteCommand',
        '@aws-sdk/client-s3 PutObjectCommand',
        '@aws-sdk/client-secrets-manager GetSecretValueCommand',
        '@aws-sdk/client-api-gateway CreateApiKeyCommand',
      ]),
    );
  });

  it('the reader finds an event stream where there is one (S3 SelectObjectContent)', async () => {
    const { SelectObjectContentCommand } = await import('@aws-sdk/client-s3');
    const [, , , , , output] = operationSchema(new SelectObjectContentCommand({} as never) as never);
    expect(NormalizedSchema.of(output as never).getEventStreamMember()).toBe('Payload');
  });
});
