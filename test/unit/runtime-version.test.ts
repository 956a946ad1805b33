import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const lambdaRuntimeMajor = Number(/Runtime\.NODEJS_(\d+)_X/.exec(repoFile('lib/api-function.ts'))?.[1]);

describe('one Node version from the tests to the Lambda runtime', () => {
  it('the tests run on the major version the functions deploy on', () => {
    expect(lambdaRuntimeMajor).toBeGreaterThanOrEqual(22);
    expect(Number(process.versions.node.split('.')[0])).toBe(lambdaRuntimeMajor);
  });

  it('.nvmrc, engines and the pinned node dev dependency agree with the runtime', () => {
    const pkg = JSON.parse(repoFile('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
    expect(repoFile('.nvmrc').trim()).toBe(String(lambdaRuntimeMajor));
    expect(pkg.devDependencies.node?.split('.')[0]).toBe(String(lambdaRuntimeMajor));
    expect(Number(/>=\s*(\d+)/.exec(pkg.engines.node)?.[1])).toBeGreaterThanOrEqual(22);
  });
});
