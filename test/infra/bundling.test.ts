import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiFunction } from '../../lib/api-function.ts';
import { BUNDLE_BUDGET_KB, esbuildOptions } from '../../lib/bundle-options.ts';
import { STAGES } from '../../lib/stage.ts';

/**
 * The bundle CDK deploys, built for real (the other infra tests skip bundling): the bundle
 * report measured cold imports of esbuild builds made with lib/bundle-options.ts, so the
 * NodejsFunction built from the same options must produce that kind of file. The earn route
 * stands for every route: DynamoDB, the hash key (Secrets Manager on AWS), middy, Powertools.
 */
const ENTRY = 'functions/api/handlers/earn.ts';
let bundle: string;
let bundleFile: string;

beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, 'BundlingProbe');
  const table = new Table(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
  new ApiFunction(stack, 'Earn', { stage: STAGES.dev, entry: ENTRY, description: 'probe', tableAccess: 'readwrite', table });
  const assembly = app.synth();
  const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
  expect(assets).toHaveLength(1);
  bundleFile = join(assembly.directory, assets[0]!, 'index.mjs');
  bundle = readFileSync(bundleFile, 'utf8');
}, 120_000);

/**
 * Every module the bundle imports by a literal name: minified ESM import statements (which start
 * the file or follow `;` or `}`) and `import("...")`. SDK error messages that merely quote an
 * import (`[import '@aws-sdk/signature-v4a';]`) are not statements and do not match.
 */
function importedModules(code: string): string[] {
  const statements = [...code.matchAll(/(?:^|[;}\n])import\s*(?:[\w*{$][^;"']*?from\s*)?["']([^"']+)["']/g)];
  const dynamic = [...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)];
  return [...new Set([...statements, ...dynamic].map((match) => match[1]!))].sort();
}

describe('the deployed bundle (earn, bundled by CDK)', () => {
  it('is ESM and carries the AWS SDK inside: it imports nothing, Node built-ins included', () => {
    expect(esbuildOptions.external).toEqual([]);
    expect(esbuildOptions.format).toBe('esm');
    // Built-ins come through process.getBuiltinModule (lib/bundle-options.ts): an ESM import of
    // one builds its facade, which loads what its getters hide (undici behind node:http).
    expect(importedModules(bundle)).toEqual([]);
    expect(bundle).toContain('process.getBuiltinModule("node:crypto")');
    // The SDK is in the file: the lockfile's version, not the runtime's.
    expect(bundle).toContain('@aws-sdk/client-dynamodb');
  });

  it("resolves credentials from the environment only, without the SDK's default chain", () => {
    // fromEnv's own debug line is there; the default chain's (SSO, INI, process, web identity,
    // container and instance metadata, each logging `defaultProvider::...`) is not.
    expect(bundle).toContain('@aws-sdk/credential-provider-env - fromEnv');
    expect(bundle).not.toContain('defaultProvider::');
  });

  it('has no X-Ray SDK, no dynamic require and no createRequire banner', () => {
    expect(bundle).not.toMatch(/aws-xray-sdk/);
    // esbuild's shim for a `require` it could not resolve: it throws at run time in ESM.
    expect(bundle).not.toContain('Dynamic require of');
    expect(bundle).not.toContain('createRequire');
  });

  it('is within the bundle budget', () => {
    expect(statSync(bundleFile).size / 1024).toBeLessThanOrEqual(BUNDLE_BUDGET_KB);
  });

  it('loads in a fresh Node process outside the repository, with no node_modules to fall back on', () => {
    // The assembly is in the OS temp folder, so a bare import could not resolve there.
    const code = `await import(${JSON.stringify(pathToFileURL(bundleFile).href)}); console.log('loaded');`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', STAGE: 'bench', TABLE_NAME: 'rrr-probe', HASH_KEY: '0'.repeat(64) },
    });
    expect(out.trim()).toBe('loaded');
  });
});
