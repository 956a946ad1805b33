import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../scripts/csv.ts';
import { partnerClient } from '../support/local-api.ts';
import { killLeftoverServices, type RunningService, startService } from '../support/local-service.ts';

let localDir: string;
let workDir: string;
let service: RunningService;

beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'rrr-bulk-'));
  workDir = await mkdtemp(join(tmpdir(), 'rrr-bulk-files-'));
  service = await startService(localDir, ['--in-memory']);
});

afterAll(async () => {
  if (service) expect(await service.stop()).toBe(0);
  await killLeftoverServices();
  await rm(localDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

/** `npm run admin -- ...` against the local service (stderr is a pipe: the summary line, no bar). */
function admin(args: string[], script = 'scripts/admin.ts'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        env: { ...process.env, RRR_LOCAL_DIR: localDir, RRR_BASE_URL: '', RRR_OPERATOR_TOKEN: '' },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

type ResultRow = { rowId: string; status: string; approvalId: string; code: string; detail: string };

async function results(path: string): Promise<ResultRow[]> {
  const [header, ...records] = parseCsv(await readFile(path, 'utf8'));
  expect(header).toEqual(['rowId', 'status', 'approvalId', 'code', 'detail']);
  return records.map((record) => Object.fromEntries(header!.map((name, i) => [name, record[i]!])) as ResultRow);
}

interface Approval {
  approvalId: string;
  status: string;
  action: { accountId: string; points: number; reasonCode: string; ticket: string; note: string };
}

async function pendingApprovals(tenantId: string): Promise<Approval[]> {
  const { baseUrl, platformAdminToken } = service.credentials;
  const response = await fetch(`${baseUrl}/api/v1/admin/tenants/${tenantId}/approvals?status=pending&limit=100`, {
    headers: { authorization: `Bearer ${platformAdminToken}` },
  });
  expect(response.status).toBe(200);
  const page = (await response.json()) as { items: Approval[]; nextCursor?: string };
  expect(page.nextCursor).toBeUndefined();
  return page.items;
}

const ROWS = [
  'rowId,accountId,points,reasonCode,ticket,note',
  'row-1,member-1,50,goodwill,SUP-1,"Parcel lost, carrier confirmed"',
  'row-2,member-2,-20,correction,"SUP-2","Double credit, said ""sorry"""',
  'row-3,member-3,0,goodwill,SUP-3,zero is no adjustment',
  '"row-4",member-4,250,service_credit,SUP-4,"Outage',
  'two lines"',
];

describe('admin bulk-adjust against npm start', () => {
  it('asks once per row: a second run of the file replays every row, a changed row is refused, bad rows are never sent', async () => {
    expect((await admin(['create-tenant', '--tenant', 'bulk-co', '--name', 'Bulk Co'])).code).toBe(0);
    const key = JSON.parse((await admin(['create-key', '--tenant', 'bulk-co', '--scopes', 'accounts'])).stdout) as { key: string };
    const partner = partnerClient(service.credentials.baseUrl, key.key);
    for (const n of [1, 2, 3, 4, 5]) expect((await partner.putAccount(`member-${n}`)).status).toBe(201);
    const file = join(workDir, 'rows.csv');
    await writeFile(file, `\uFEFF${ROWS.join('\r\n')}\r\n`);

    const first = await admin(['bulk-adjust', '--tenant', 'bulk-co', '--file', file]);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toBe(`bulk-adjust: 4 rows, 3 requested, 1 invalid; results in ${file}.results.csv\n`);
    const firstResults = await results(`${file}.results.csv`);
    expect(firstResults.map(({ rowId, status, code }) => [rowId, status, code])).toEqual([
      ['row-1', 'requested', ''],
      ['row-2', 'requested', ''],
      ['row-3', 'invalid', 'invalid_points'],
      ['row-4', 'requested', ''],
    ]);
    expect(firstResults[2]!.detail).toMatch(/^line 4: points must be a non-zero whole number from -10000000 to 10000000, not "0"$/);
    expect(firstResults[2]!.approvalId).toBe('');

    // One approval request per valid row, each with the row's content (quoted fields whole).
    const approvals = await pendingApprovals('bulk-co');
    const byId = new Map(approvals.map((approval) => [approval.approvalId, approval]));
    expect(approvals).toHaveLength(3);
    expect(byId.get(firstResults[0]!.approvalId)?.action).toEqual({
      accountId: 'member-1',
      points: 50,
      reasonCode: 'goodwill',
      ticket: 'SUP-1',
      note: 'Parcel lost, carrier confirmed',
    });
    expect(byId.get(firstResults[1]!.approvalId)?.action).toMatchObject({
      points: -20,
      ticket: 'SUP-2',
      note: 'Double credit, said "sorry"',
    });
    expect(byId.get(firstResults[3]!.approvalId)?.action).toMatchObject({ points: 250, note: 'Outage\r\ntwo lines' });

    // The same file again: every row answered again with its first approval id, nothing new.
    const out = join(workDir, 'second.csv');
    const second = await admin(['bulk-adjust', '--tenant', 'bulk-co', '--file', file, '--out', out]);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`bulk-adjust: 4 rows, 3 replayed, 1 invalid; results in ${out}\n`);
    expect((await results(out)).map(({ rowId, status, approvalId }) => [rowId, status, approvalId])).toEqual(
      firstResults.map(({ rowId, status, approvalId }) => [rowId, status === 'requested' ? 'replayed' : status, approvalId]),
    );
    expect(await pendingApprovals('bulk-co')).toHaveLength(3);

    // The valid rows alone, in another file with LF line ends and without the BOM: all replayed, exit 0.
    const valid = join(workDir, 'valid.csv');
    await writeFile(valid, `${[ROWS[0], ROWS[1], ROWS[2], ROWS[4], ROWS[5]].join('\n')}`.replace('Outage\ntwo', 'Outage\r\ntwo'));
    // Run by another operator (a tenant admin of bulk-co): the keys are the tenant's, so still nothing new.
    const other = await admin(['--role', 'tenant_admin', '--tenant', 'bulk-co', '--subject', 'bulk-second'], 'scripts/operator-token.ts');
    expect(other.code).toBe(0);
    const third = await admin(['bulk-adjust', '--tenant', 'bulk-co', '--file', valid, '--token', other.stdout.trim()]);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toBe(`bulk-adjust: 3 rows, 3 replayed; results in ${valid}.results.csv\n`);

    // A row changed under the same row id is refused by the service, never skipped or applied.
    const changed = join(workDir, 'changed.csv');
    await writeFile(
      changed,
      `${ROWS[0]}\nrow-1,member-1,60,goodwill,SUP-1,"Parcel lost, carrier confirmed"\nrow-5,member-5,10,goodwill,SUP-5,new\nrow-6,member-404,10,goodwill,SUP-6,new\n`,
    );
    const fourth = await admin(['bulk-adjust', '--tenant', 'bulk-co', '--file', changed]);
    expect(fourth.code).toBe(1);
    expect(fourth.stderr).toBe(`bulk-adjust: 3 rows, 1 requested, 2 refused; results in ${changed}.results.csv\n`);
    const fourthResults = await results(`${changed}.results.csv`);
    expect(fourthResults[0]).toMatchObject({ rowId: 'row-1', status: 'refused', approvalId: '', code: 'idempotency_key_reused' });
    expect(fourthResults[1]).toMatchObject({ rowId: 'row-5', status: 'requested' });
    expect(fourthResults[2]).toMatchObject({
      rowId: 'row-6',
      status: 'refused',
      code: 'not_found',
      detail: 'Account member-404 does not exist',
    });
    const finalApprovals = await pendingApprovals('bulk-co');
    expect(finalApprovals).toHaveLength(4);
    expect(finalApprovals.filter((approval) => approval.action.accountId === 'member-1').map((approval) => approval.action.points)).toEqual(
      [50],
    );
  });

  it('a file that cannot be a bulk file is one line on stderr, exit 1, and nothing is sent', async () => {
    const file = join(workDir, 'no-ticket.csv');
    await writeFile(file, 'rowId,accountId,points,reasonCode\nr1,m1,5,goodwill\n');
    const run = await admin(['bulk-adjust', '--tenant', 'demo', '--file', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`admin: ${file}: the header has no ticket column (needed: rowId,accountId,points,reasonCode,ticket)\n`);
    const missing = await admin(['bulk-adjust', '--tenant', 'demo', '--file', join(workDir, 'absent.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^admin: cannot read .*absent\.csv: ENOENT\n$/);
  });
});
