import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BulkFileError, planBulkFile, progressBar, runBulk, sendRow, summaryLine } from '../../scripts/bulk-adjust.ts';
import { parseCsv } from '../../scripts/csv.ts';

const HEADER = 'rowId,accountId,points,reasonCode,ticket,note\r\n';

describe('planBulkFile', () => {
  it('turns each valid row into a request under bulk:<tenant>:<rowId>, and marks bad rows invalid with their error', () => {
    const rows = planBulkFile(
      `\uFEFF${HEADER}r1,m1,50,goodwill,SUP-1,"late, and ""lost"""\r\nr2,m2,-20,correction,SUP-2,\r\n\r\nr3,m3,0,goodwill,SUP-3,x\r\nr4,m4,5,bribe,SUP-4,x\r\nr5,m5,1.5,goodwill,SUP-5,x\r\nr6,,5,goodwill,SUP-6,x\r\nr7,m7,5,goodwill\r\n,m8,5,goodwill,SUP-8,x\r\nr9,bad id,5,goodwill,SUP-9,x\r\n`,
      'demo',
      'from the operator',
    );
    expect(rows[0]).toEqual({
      line: 2,
      rowId: 'r1',
      idempotencyKey: 'bulk:demo:r1',
      body: { accountId: 'm1', points: 50, reasonCode: 'goodwill', ticket: 'SUP-1', note: 'late, and "lost"' },
    });
    expect(rows[1]?.body).toEqual({ accountId: 'm2', points: -20, reasonCode: 'correction', ticket: 'SUP-2', note: 'from the operator' });
    expect(rows.slice(2).map((row) => [row.line, row.rowId, row.invalid?.code])).toEqual([
      [5, 'r3', 'invalid_points'],
      [6, 'r4', 'invalid_reason_code'],
      [7, 'r5', 'invalid_points'],
      [8, 'r6', 'missing_field'],
      [9, 'r7', 'wrong_field_count'],
      [10, '', 'missing_field'],
      [11, 'r9', 'invalid_account_id'],
    ]);
    expect(rows.slice(2).every((row) => row.body === undefined && row.idempotencyKey === undefined)).toBe(true);
    expect(rows[3]?.invalid?.detail).toMatch(/^line 6: reasonCode must be one of goodwill, /);
  });

  it('without a note column or --note, the note names the row (not the file: a renamed file still replays)', () => {
    const [row] = planBulkFile('rowId,accountId,points,reasonCode,ticket\nr1,m1,+5,goodwill,T-1\n', 'demo');
    expect(row?.body).toMatchObject({ points: 5, note: 'bulk adjustment, row r1' });
  });

  it('a row id twice in the file: no occurrence is sent', () => {
    const rows = planBulkFile(`${HEADER}a,m1,5,goodwill,T,n\nb,m2,5,goodwill,T,n\na,m3,5,goodwill,T,n\n`, 'demo');
    expect(rows.map((row) => row.invalid?.code)).toEqual(['duplicate_row_id', undefined, 'duplicate_row_id']);
    expect(rows[0]?.invalid?.detail).toBe('line 2: rowId also on line(s) 4');
  });

  it('refuses a file without a usable header, with an unknown or missing column, or that is not CSV', () => {
    expect(() => planBulkFile('', 'demo')).toThrow(BulkFileError);
    expect(() => planBulkFile('rowId,accountId,points,reasonCode\n', 'demo')).toThrow(/the header has no ticket column/);
    expect(() => planBulkFile('rowId,accountId,point,reasonCode,ticket\n', 'demo')).toThrow(/unknown column "point"/);
    expect(() => planBulkFile('rowId,rowId,accountId,points,reasonCode,ticket\n', 'demo')).toThrow(/appears twice/);
    expect(() => planBulkFile(`${HEADER}"r1,m1\n`, 'demo')).toThrow(/not a CSV file: line 2: a quoted field is never closed/);
  });
});

/** A stand-in for the admin API: answers each request from the script, records what came. */
async function fakeApi(script: { status: number; headers?: Record<string, string>; body?: unknown }[]) {
  const seen: { key: string | undefined; body: unknown }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      seen.push({ key: request.headers['idempotency-key'] as string | undefined, body: JSON.parse(text) });
      const next = script.shift() ?? { status: 500 };
      response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      response.end(next.body === undefined ? '' : JSON.stringify(next.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl, seen, close: () => new Promise<void>((done) => server.close(() => done())) };
}

const [validRow] = planBulkFile(`${HEADER}r1,m1,5,goodwill,T-1,n\n`, 'demo');

describe('sendRow', () => {
  it('retries 503 and 429 under the same key after Retry-After, then reports the 202', async () => {
    const api = await fakeApi([
      { status: 503, headers: { 'retry-after': '0' }, body: { code: 'service_unavailable' } },
      { status: 429, headers: { 'retry-after': '0' }, body: { code: 'rate_limited' } },
      { status: 202, body: { approvalId: 'ap-1', status: 'pending' } },
    ]);
    try {
      const result = await sendRow(validRow!, { baseUrl: api.baseUrl, token: 't', tenantId: 'demo', backoffMs: () => 0 });
      expect(result).toEqual({ rowId: 'r1', status: 'requested', approvalId: 'ap-1' });
      expect(api.seen.map((request) => request.key)).toEqual(['bulk:demo:r1', 'bulk:demo:r1', 'bulk:demo:r1']);
    } finally {
      await api.close();
    }
  });

  it('reads Idempotent-Replayed as replayed; a 4xx problem is refused with its code at once; 5xx after the retries failed', async () => {
    const api = await fakeApi([
      { status: 202, headers: { 'idempotent-replayed': 'true' }, body: { approvalId: 'ap-1' } },
      { status: 422, body: { code: 'idempotency_key_reused', detail: 'different request' } },
      { status: 500, body: { code: 'internal_error', detail: 'boom' } },
      { status: 502 },
    ]);
    const options = { baseUrl: api.baseUrl, token: 't', tenantId: 'demo', retries: 1, backoffMs: () => 0 };
    try {
      expect(await sendRow(validRow!, options)).toEqual({ rowId: 'r1', status: 'replayed', approvalId: 'ap-1' });
      expect(await sendRow(validRow!, options)).toEqual({
        rowId: 'r1',
        status: 'refused',
        code: 'idempotency_key_reused',
        detail: 'different request',
      });
      expect(await sendRow(validRow!, options)).toEqual({ rowId: 'r1', status: 'failed', code: 'http_502', detail: '502' });
      expect(api.seen).toHaveLength(4);
    } finally {
      await api.close();
    }
  });

  it('a network error is retried, then failed', async () => {
    const api = await fakeApi([]);
    await api.close();
    const result = await sendRow(validRow!, { baseUrl: api.baseUrl, token: 't', tenantId: 'demo', retries: 1, backoffMs: () => 0 });
    expect(result).toMatchObject({ rowId: 'r1', status: 'failed', code: 'network_error' });
  });
});

describe('runBulk', () => {
  it('writes the results in file order, whatever order the answers come in, and counts them', async () => {
    const rows = planBulkFile(
      `${HEADER}${Array.from({ length: 9 }, (_, i) => `r${i},m${i},${i === 4 ? 0 : i + 1},goodwill,T,n`).join('\n')}\n`,
      'demo',
    );
    const script = Array.from({ length: 8 }, (_, i) => ({ status: 202, body: { approvalId: `ap-${i}` } }));
    const api = await fakeApi(script);
    const dir = await mkdtemp(join(tmpdir(), 'rrr-bulk-unit-'));
    const outPath = join(dir, 'out.csv');
    const progress: number[] = [];
    try {
      const summary = await runBulk(rows, {
        baseUrl: api.baseUrl,
        token: 't',
        tenantId: 'demo',
        outPath,
        onProgress: (done) => progress.push(done),
      });
      expect(summary.counts).toEqual({ requested: 8, replayed: 0, invalid: 1, refused: 0, failed: 0 });
      expect(summaryLine(summary)).toBe('bulk-adjust: 9 rows, 8 requested, 1 invalid');
      expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const written = parseCsv(await readFile(outPath, 'utf8'));
      expect(written[0]).toEqual(['rowId', 'status', 'approvalId', 'code', 'detail']);
      expect(written.slice(1).map((record) => record.slice(0, 2))).toEqual(
        rows.map((row) => [row.rowId, row.rowId === 'r4' ? 'invalid' : 'requested']),
      );
      // Each sent row got its own answer: the approval ids are all different.
      expect(
        new Set(
          written
            .slice(1)
            .map((record) => record[2])
            .filter(Boolean),
        ).size,
      ).toBe(8);
      expect(progressBar(9, summary, 10)).toBe('[##########] 9/9  8 requested, 1 invalid');
    } finally {
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
