import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = new URL('../..', import.meta.url).pathname;
let emptyDir: string;

beforeAll(async () => {
  emptyDir = await mkdtemp(join(tmpdir(), 'rrr-cli-usage-'));
});
afterAll(() => rm(emptyDir, { recursive: true, force: true }));

/** Runs a CLI as `npm run` would (tsx), without a local service; never throws on exit codes. */
function run(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: repoRoot, env: { ...process.env, RRR_LOCAL_DIR: emptyDir, RRR_BASE_URL: '', RRR_OPERATOR_TOKEN: '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const CLIS: [string, string][] = [
  ['scripts/admin.ts', 'npm run admin --'],
  ['scripts/operator-token.ts', 'npm run operator-token --'],
  ['scripts/provision-tenant.ts', 'npm run provision-tenant --'],
  ['scripts/bundle-report.ts', 'npm run bundle-report'],
  ['scripts/generate-openapi.ts', 'npm run openapi'],
  ['local/start.ts', 'npm start'],
];

/** One line on stderr naming the command, with a hint, and nothing that looks like a stack. */
function expectOneLineUsageError(stderr: string, mentions: RegExp) {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(mentions);
  expect(lines[0]).toMatch(/--help\)$/);
  expect(stderr).not.toMatch(/\n\s+at |node:internal|Error:/);
}

describe('every CLI prints usage on --help and refuses bad usage in one line, exit 2', () => {
  for (const [script, command] of CLIS) {
    it(`${script} --help and -h: usage on stdout, exit 0`, async () => {
      for (const flag of ['--help', '-h']) {
        const { code, stdout, stderr } = await run(script, [flag]);
        expect(code, stderr).toBe(0);
        expect(stdout).toMatch(/^Usage:\s/);
        expect(stdout).toContain(command);
        expect(stderr).toBe('');
      }
    });

    it(`${script} with an unknown flag: one line on stderr, exit 2`, async () => {
      const { code, stdout, stderr } = await run(script, ['--no-such-flag']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expectOneLineUsageError(stderr, /Unknown option '--no-such-flag'/);
    });
  }

  const mistakes: [string, string[], RegExp][] = [
    ['scripts/admin.ts', [], /a command is required/],
    ['scripts/admin.ts', ['explode'], /unknown command "explode"/],
    ['scripts/admin.ts', ['create-key', '--scopes', 'read'], /--tenant is required/],
    [
      'scripts/admin.ts',
      ['rotate-key', '--tenant', 'demo', '--key', 'key_0123456789abcdef', '--overlap-seconds', 'soon'],
      /--overlap-seconds must be a whole number/,
    ],
    [
      'scripts/admin.ts',
      ['create-key', '--tenant', 'demo', '--scopes', 'read', '--expires-at', 'tomorrow'],
      /--expires-at must be an ISO 8601 instant/,
    ],
    ['scripts/admin.ts', ['list-keys', '--tenant'], /Option '--tenant <value>' argument missing/],
    ['scripts/admin.ts', ['approvals'], /approvals needs a subcommand: one of list, show, approve, reject/],
    ['scripts/admin.ts', ['approvals', 'accept', '--tenant', 'demo'], /unknown approvals subcommand "accept"/],
    ['scripts/admin.ts', ['adjust', '--tenant', 'demo', '--account', 'm1', '--reason', 'goodwill'], /--points is required/],
    [
      'scripts/admin.ts',
      ['adjust', '--tenant', 'demo', '--account', 'm1', '--points', '12.5', '--reason', 'goodwill', '--ticket', 'T-1', '--note', 'n'],
      /--points must be a whole number from -10000000 to 10000000, not "12.5"/,
    ],
    [
      'scripts/admin.ts',
      ['adjust', '--tenant', 'demo', '--account', 'm1', '--points', '0', '--reason', 'goodwill', '--ticket', 'T-1', '--note', 'n'],
      /--points must not be zero/,
    ],
    [
      'scripts/admin.ts',
      ['adjust', '--tenant', 'demo', '--account', 'm1', '--points', '-50', '--reason', 'because', '--ticket', 'T-1', '--note', 'n'],
      /--reason must be one of goodwill, service_credit, .* not "because"/,
    ],
    [
      'scripts/admin.ts',
      ['adjust', '--tenant', 'demo', '--account', 'm1', '--points', '-50', '--reason', 'goodwill'],
      /--ticket is required/,
    ],
    ['scripts/admin.ts', ['approvals', 'list', '--tenant', 'demo', '--status', 'open'], /--status must be one of pending, approved/],
    ['scripts/admin.ts', ['approvals', 'list', '--tenant', 'demo', '--limit', '0'], /--limit must be a whole number from 1 to 100/],
    ['scripts/admin.ts', ['approvals', 'show', '--tenant', 'demo'], /--id is required/],
    ['scripts/admin.ts', ['approvals', 'show', '--tenant', 'demo', '--id', 'a', 'b'], /unexpected argument "b"/],
    ['scripts/admin.ts', ['approvals', 'reject', '--tenant', 'demo', '--id', 'a'], /--reason is required/],
    [
      'scripts/admin.ts',
      ['approvals', 'reject', '--tenant', 'demo', '--id', 'a', '--reason', 'meh'],
      /--reason must be one of not_justified/,
    ],
    ['scripts/admin.ts', ['approvals', 'approve', '--tenant', 'demo', '--id', 'a', '--token', ''], /--token is empty/],
    ['scripts/admin.ts', ['expire', '--as-of', 'later'], /--as-of must be an ISO 8601 instant/],
    ['scripts/admin.ts', ['expire', 'now'], /unexpected argument "now"/],
    ['scripts/admin.ts', ['expire', '--tenant', ''], /--tenant is empty/],
    ['scripts/admin.ts', ['replay', '--tenant', 'demo', '--late-days', '91'], /--late-days must be a whole number from 0 to 90/],
    ['scripts/admin.ts', ['replay', '--tenant', 'demo', '--max-listed', 'all'], /--max-listed must be a whole number/],
    [
      'scripts/admin.ts',
      ['replay', '--tenant', 'demo', '--account', 'm1', '--bucket', 'audit'],
      /--bucket is for a whole-tenant replay \(without --account\)/,
    ],
    ['scripts/admin.ts', ['replay', '--tenant', 'Demo!'], /--tenant must be a tenant id/],
    [
      'scripts/admin.ts',
      ['replay', '--tenant', 'demo', '--from', '2027-01-02T00:00:00Z', '--to', '2027-01-01T00:00:00Z'],
      /--from must be before --to/,
    ],
    ['scripts/admin.ts', ['replay', '--account', 'm1'], /--tenant is required/],
    ['scripts/admin.ts', ['replay', '--tenant', 'demo', '--account', 'm1', '--to', 'later'], /--to must be an ISO 8601 instant/],
    ['scripts/admin.ts', ['replay', '--tenant', 'demo', '--account', 'm1', 'now'], /unexpected argument "now"/],
    ['scripts/admin.ts', ['lock', '--tenant', 'demo', '--account', 'm1', '--account', 'm2'], /--account is given more than once/],
    ['scripts/admin.ts', ['bulk-adjust', '--file', 'rows.csv'], /--tenant is required/],
    ['scripts/admin.ts', ['bulk-adjust', '--tenant', 'demo'], /--file is required/],
    ['scripts/admin.ts', ['bulk-adjust', '--tenant', 'Demo!', '--file', 'rows.csv'], /--tenant must be a tenant id/],
    ['scripts/admin.ts', ['bulk-adjust', '--tenant', 'demo', '--file', 'rows.csv', 'now'], /unexpected argument "now"/],
    [
      'scripts/admin.ts',
      ['bulk-adjust', '--tenant', 'demo', '--file', 'rows.csv', '--out', 'rows.csv'],
      /--out must not be the input file/,
    ],
    ['scripts/admin.ts', ['bulk-adjust', '--tenant', 'demo', '--file', 'rows.csv', '--note', ''], /--note is empty/],
    ['scripts/operator-token.ts', [], /--role must be one of/],
    ['scripts/operator-token.ts', ['--role', 'support'], /--tenant is required for support/],
    ['scripts/operator-token.ts', ['--role', 'finance', '--ttl', '5'], /--ttl must be a whole number from 60 to 86400/],
    ['scripts/provision-tenant.ts', [], /a command is required: create or revoke/],
    ['scripts/provision-tenant.ts', ['revoke', '--tenant', 'xcn', '--key-id', 'key_0123456789abcdef'], /--reason is required for revoke/],
    [
      'scripts/provision-tenant.ts',
      ['revoke', '--tenant', 'xcn', '--key-id', 'key_0123456789abcdef', '--reason', 'bored'],
      /--reason must be one of/,
    ],
    ['scripts/provision-tenant.ts', ['create', '--tenant', 'xcn', '--name', 'X', '--plan', 'gold'], /--plan must be one of/],
    [
      'scripts/provision-tenant.ts',
      ['create', '--tenant', 'xcn', '--name', 'X', '--scopes', 'read,everything'],
      /--scopes must list some of .* not "everything"/,
    ],
  ];
  for (const [script, args, message] of mistakes) {
    it(`${script} ${args.join(' ') || '(no arguments)'}: ${message.source}`, async () => {
      const { code, stderr } = await run(script, args);
      expect(code).toBe(2);
      expectOneLineUsageError(stderr, message);
    });
  }

  it('admin --help describes the adjustment and approval commands and the --token option', async () => {
    for (const args of [['--help'], ['adjust', '--help'], ['approvals', 'approve', '-h']]) {
      const { code, stdout } = await run('scripts/admin.ts', args);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^ {2}adjust {8}--tenant ID --account ID --points N --reason goodwill\|service_credit\|correction\|fraud_recovery\|migration\|other$/m,
      );
      expect(stdout).toMatch(/--ticket REF --note TEXT/);
      expect(stdout).toMatch(
        /^ {2}approvals list {4}--tenant ID \[--status pending\|approved\|applied\|rejected\|expired\] \[--limit 1-100\]$/m,
      );
      expect(stdout).toMatch(/\[--cursor CURSOR\]/);
      expect(stdout).toMatch(/^ {2}approvals show {4}--tenant ID --id APPROVAL_ID$/m);
      expect(stdout).toMatch(/^ {2}approvals approve --tenant ID --id APPROVAL_ID \[--note TEXT\]$/m);
      expect(stdout).toMatch(
        /^ {2}approvals reject {2}--tenant ID --id APPROVAL_ID --reason not_justified\|insufficient_evidence\|wrong_amount\|duplicate\|withdrawn\|other$/m,
      );
      expect(stdout).toMatch(/--token JWT/);
      expect(stdout).toContain('npm run -s operator-token -- --role tenant_admin --tenant demo --subject');
    }
  });

  it('admin --help describes bulk-adjust: its columns, its key, its statuses and its exit codes', async () => {
    const help = await run('scripts/admin.ts', ['bulk-adjust', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}bulk-adjust {3}--tenant ID --file rows\.csv \[--out results\.csv\] \[--note TEXT\]$/m);
    expect(help.stdout).toContain('rowId,accountId,points,reasonCode,ticket[,note]');
    expect(help.stdout).toContain('bulk:<tenant>:<rowId>');
    expect(help.stdout).toContain('rowId,status,approvalId,');
  });

  it('admin --help describes expire; expire refuses a deployed stage and needs the local service', async () => {
    const help = await run('scripts/admin.ts', ['expire', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}expire {8}\[--tenant ID\] \[--as-of 2027-01-01T00:00:00Z\]$/m);
    expect(help.stdout).toContain('{tenants, expiredLots, points, complete}');
    const deployed = await run('scripts/admin.ts', ['expire'], { RRR_BASE_URL: 'https://api.example.invalid' });
    expect(deployed.code).toBe(2);
    expectOneLineUsageError(deployed.stderr, /expire runs against the local service only/);
    await rm(join(emptyDir, 'credentials.json'), { force: true });
    const offline = await run('scripts/admin.ts', ['expire']);
    expect(offline.code).toBe(1);
    expect(offline.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^admin: no local service credentials in .*credentials\.json: start it with npm start$/),
    ]);
  });

  it('admin --help describes both replays; a whole-tenant replay of a deployed stage needs its audit bucket', async () => {
    const help = await run('scripts/admin.ts', ['replay', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}replay {8}--tenant ID \[--from INSTANT\] \[--to INSTANT\]$/m);
    expect(help.stdout).toMatch(/^ {16}\[--late-days 0-90\] \[--max-listed N\] \[--bucket NAME\] \[--endpoint URL\]$/m);
    expect(help.stdout).toMatch(/^ {2}replay {8}--tenant ID --account ID \[--account ID \.\.\.\] \[--from INSTANT\] \[--to INSTANT\]$/m);
    const deployed = await run('scripts/admin.ts', ['replay', '--tenant', 'demo'], {
      RRR_BASE_URL: 'https://api.example.invalid',
      RRR_OPERATOR_TOKEN: 'a.b.c',
      RRR_AUDIT_BUCKET: '',
    });
    expect(deployed.code).toBe(2);
    expectOneLineUsageError(deployed.stderr, /RRR_BASE_URL is set but no audit bucket is: set RRR_AUDIT_BUCKET/);
  });

  it('admin --token satisfies a deployed stage without RRR_OPERATOR_TOKEN (and never reads local credentials)', async () => {
    const { code, stdout, stderr } = await run('scripts/admin.ts', ['approvals', 'list', '--tenant', 'demo', '--token', 'a.b.c'], {
      RRR_BASE_URL: 'http://127.0.0.1:9',
    });
    // Port 9 refuses the connection: a one-line failure (exit 1), not the usage refusal.
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^admin: /)]);
    expect(stderr).not.toMatch(/RRR_OPERATOR_TOKEN is not/);
  });

  it('admin with RRR_BASE_URL but no token refuses, and never falls back to the local credentials', async () => {
    // A local service's credentials that must not be used (its port would refuse anyway).
    await writeFile(
      join(emptyDir, 'credentials.json'),
      JSON.stringify({ baseUrl: 'http://127.0.0.1:9', platformAdminToken: 'local-token' }),
    );
    const { code, stdout, stderr } = await run('scripts/admin.ts', ['list-keys', '--tenant', 'demo'], {
      RRR_BASE_URL: 'https://api.example.invalid',
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expectOneLineUsageError(stderr, /RRR_BASE_URL is set but RRR_OPERATOR_TOKEN is not/);
  });

  it('a failure that is not a usage mistake is one line too, exit 1', async () => {
    await rm(join(emptyDir, 'credentials.json'), { force: true });
    const admin = await run('scripts/admin.ts', ['list-keys', '--tenant', 'demo']);
    expect(admin.code).toBe(1);
    expect(admin.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^admin: no local service credentials in .*credentials\.json: start it with npm start/),
    ]);
    const provision = await run('scripts/provision-tenant.ts', [
      'create',
      '--tenant',
      'xcn',
      '--name',
      'X',
      '--outputs',
      join(emptyDir, 'none.json'),
    ]);
    expect(provision.code).toBe(1);
    expect(provision.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^provision-tenant: cannot read the stack outputs/)]);
  });
});
