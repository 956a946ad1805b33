import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, repoRoot } from '../support/import-scan.ts';

/**
 * The finance CLI (`npx rrr-audit`) must run where only the production dependencies are
 * installed (`npm ci --omit=dev`): Node runs its TypeScript itself by type stripping (no tsx),
 * every package its code loads is a dependency, and nothing local-only (s3rver, DynamoDB
 * Local) or Lambda-only (the modules that read a function's environment on load) is on its
 * import graph. It reaches S3 through the SDK's own AWS_ENDPOINT_URL_S3.
 */
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};
const entry = pkg.bin['rrr-audit']!;
const graph = importGraph([entry], { runtimeOnly: true });

/** The CLI as a user's shell runs it: the Node running this test, no loader, no NODE_OPTIONS. */
function runCli(args: string[]) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, [entry, ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('rrr-audit runs from production dependencies alone', () => {
  it('every package on its import graph is a production dependency (or a node: builtin)', () => {
    expect(graph.files).toContain('bin/rrr-audit.ts');
    const notProduction = [...graph.packages.keys()].filter((name) => !(name in pkg.dependencies));
    expect(notProduction, `imported by ${JSON.stringify(Object.fromEntries(graph.packages))}`).toEqual([]);
    expect(graph.packages.has('@aws-sdk/client-s3')).toBe(true);
  });

  it('loads nothing local-only and no module that reads a function environment on load', () => {
    expect(graph.files.filter((file) => /^local\/(s3-local|dynamodb-local|start)\.ts$/.test(file))).toEqual([]);
    expect(graph.files.filter((file) => /^functions\/config\/(table|audit-bucket|hash-key|observability)\.ts$/.test(file))).toEqual([]);
    expect(graph.packages.has('tsx')).toBe(false);
  });

  it('--help prints the usage and exits 0, under plain node', () => {
    const { code, stdout, stderr } = runCli(['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^rrr-audit: list, fetch and verify the audit exports/);
    expect(stdout).toContain('rrr-audit verify DIR');
  });

  it.each([[['--bogus']], [[]], [['frobnicate']], [['fetch', '--tenant', 'acme']]])(
    'bad usage %j is one line on stderr and exit 2',
    (args) => {
      const { code, stdout, stderr } = runCli(args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^rrr-audit: .+ \(rrr-audit --help shows the usage\)\n$/);
    },
  );
});
