import { open } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { ADJUSTMENT_REASON_CODES } from '../functions/domain/vocabulary.ts';
import { CreateAdjustmentBody, MAX_ADJUSTMENT_POINTS } from '../schemas/approvals.ts';
import { CsvError, csvLine, parseCsv } from './csv.ts';

/**
 * `admin bulk-adjust`: a CSV of adjustments, one approval request per row, each sent under
 * the Idempotency-Key `bulk:<tenant>:<rowId>` so that running a file again never asks twice
 * (the service answers the first request again, `Idempotent-Replayed: true`), and a row whose
 * content changed under the same row id is refused by the service (422 idempotency_key_reused),
 * never skipped. Rows are checked here first (the API's own body schema): a bad row is
 * `invalid` and not sent, the others go on. A few requests are in flight at once; the result
 * CSV is written in file order as rows finish.
 */

export const REQUIRED_COLUMNS = ['rowId', 'accountId', 'points', 'reasonCode', 'ticket'] as const;
export const OPTIONAL_COLUMNS = ['note'] as const;
export const RESULT_COLUMNS = ['rowId', 'status', 'approvalId', 'code', 'detail'] as const;
export const BULK_CONCURRENCY = 4;
/** Retries of one row on 429, 503 (and other 5xx), a busy key (409 with Retry-After) or a network error. */
export const BULK_RETRIES = 4;
const MAX_RETRY_WAIT_SECONDS = 30;
const IDEMPOTENCY_KEY_MAX = 255;

export type RowStatus = 'requested' | 'replayed' | 'invalid' | 'refused' | 'failed';

export interface RowResult {
  rowId: string;
  status: RowStatus;
  approvalId?: string;
  code?: string;
  detail?: string;
}

export interface PlannedRow {
  /** The file line the row starts on (the header is line 1). */
  line: number;
  rowId: string;
  /** Present when the row is valid: what is sent. */
  body?: { accountId: string; points: number; reasonCode: string; ticket: string; note: string };
  idempotencyKey?: string;
  /** Present when the row is invalid. */
  invalid?: { code: string; detail: string };
}

/** A file that cannot be read as a bulk file at all (no header, a column missing, bad CSV). */
export class BulkFileError extends Error {}

export function idempotencyKeyOf(tenantId: string, rowId: string): string {
  return `bulk:${tenantId}:${rowId}`;
}

/** The note a row is sent with: its own column, else --note, else one naming the row (never the file: a renamed file replays). */
function noteOf(rowNote: string | undefined, defaultNote: string | undefined, rowId: string): string {
  if (rowNote !== undefined && rowNote.trim() !== '') return rowNote;
  if (defaultNote !== undefined && defaultNote !== '') return defaultNote;
  return `bulk adjustment, row ${rowId}`;
}

/** Reads the file's rows and checks each; throws BulkFileError when the file as a whole is unusable. */
export function planBulkFile(text: string, tenantId: string, defaultNote?: string): PlannedRow[] {
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) throw new BulkFileError(`not a CSV file: ${error.message}`);
    throw error;
  }
  // Blank lines (one empty field) are not rows; remember each record's line for the messages.
  let lineNo = 1;
  const numbered: { line: number; fields: string[] }[] = [];
  for (const fields of records) {
    const line = lineNo;
    lineNo += 1 + fields.reduce((breaks, field) => breaks + (field.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    numbered.push({ line, fields });
  }
  const [header, ...body] = numbered;
  if (header === undefined) throw new BulkFileError(`no header row: the first line names the columns ${REQUIRED_COLUMNS.join(',')}[,note]`);
  const columns = header.fields.map((name) => name.trim());
  const known: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
  const unknown = columns.find((name) => !known.includes(name));
  if (unknown !== undefined) throw new BulkFileError(`unknown column "${unknown}" in the header: the columns are ${known.join(', ')}`);
  const repeated = columns.find((name, i) => columns.indexOf(name) !== i);
  if (repeated !== undefined) throw new BulkFileError(`column "${repeated}" appears twice in the header`);
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  if (missing.length > 0) throw new BulkFileError(`the header has no ${missing.join(', ')} column (needed: ${REQUIRED_COLUMNS.join(',')})`);

  const rows: PlannedRow[] = body.map(({ line, fields }) => {
    const value = (name: string) => {
      const index = columns.indexOf(name);
      return index === -1 ? undefined : fields[index];
    };
    const rowId = (value('rowId') ?? '').trim();
    const invalid = (code: string, detail: string): PlannedRow => ({ line, rowId, invalid: { code, detail: `line ${line}: ${detail}` } });
    if (fields.length !== columns.length) return invalid('wrong_field_count', `${fields.length} fields, the header has ${columns.length}`);
    if (rowId === '') return invalid('missing_field', 'rowId is empty');
    const key = idempotencyKeyOf(tenantId, rowId);
    if (!/^[\x20-\x7E]+$/.test(rowId) || key.length > IDEMPOTENCY_KEY_MAX) {
      return invalid(
        'invalid_row_id',
        `rowId must be printable ASCII and at most ${IDEMPOTENCY_KEY_MAX - key.length + rowId.length} characters`,
      );
    }
    const empty = REQUIRED_COLUMNS.find((name) => (value(name) ?? '').trim() === '');
    if (empty !== undefined) return invalid('missing_field', `${empty} is empty`);
    const pointsText = value('points')!.trim();
    const points = /^[+-]?\d+$/.test(pointsText) ? Number(pointsText) : Number.NaN;
    if (!Number.isSafeInteger(points) || points === 0 || Math.abs(points) > MAX_ADJUSTMENT_POINTS) {
      return invalid(
        'invalid_points',
        `points must be a non-zero whole number from -${MAX_ADJUSTMENT_POINTS} to ${MAX_ADJUSTMENT_POINTS}, not "${pointsText}"`,
      );
    }
    const reasonCode = value('reasonCode')!.trim();
    if (!(ADJUSTMENT_REASON_CODES as readonly string[]).includes(reasonCode)) {
      return invalid('invalid_reason_code', `reasonCode must be one of ${ADJUSTMENT_REASON_CODES.join(', ')}, not "${reasonCode}"`);
    }
    const request = {
      accountId: value('accountId')!.trim(),
      points,
      reasonCode,
      ticket: value('ticket')!.trim(),
      note: noteOf(value('note'), defaultNote, rowId),
    };
    // The API's own schema: whatever it would refuse with 400 is refused here, before sending.
    const checked = CreateAdjustmentBody.safeParse(request);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      const field = String(issue.path[0] ?? 'row');
      return invalid(`invalid_${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, `${field}: ${issue.message}`);
    }
    return { line, rowId, body: request, idempotencyKey: key };
  });

  // A row id twice in one file: which one is meant is unknown, so neither is sent.
  const lines = new Map<string, number[]>();
  for (const row of rows) if (row.rowId !== '') lines.set(row.rowId, [...(lines.get(row.rowId) ?? []), row.line]);
  return rows.map((row) => {
    const seen = lines.get(row.rowId) ?? [];
    if (seen.length < 2) return row;
    return {
      line: row.line,
      rowId: row.rowId,
      invalid: {
        code: 'duplicate_row_id',
        detail: `line ${row.line}: rowId also on line(s) ${seen.filter((l) => l !== row.line).join(', ')}`,
      },
    };
  });
}

export interface SendOptions {
  baseUrl: string;
  token: string;
  tenantId: string;
  retries?: number;
  /** How long to wait before retry n (from 1) when no Retry-After came: 1, 2, 4… seconds. */
  backoffMs?: (attempt: number) => number;
}

/** One row's request, retried on transient answers under the same key; never throws. */
export async function sendRow(row: PlannedRow, options: SendOptions): Promise<RowResult> {
  if (row.invalid || !row.body || !row.idempotencyKey) {
    return { rowId: row.rowId, status: 'invalid', code: row.invalid?.code ?? 'invalid_row', detail: row.invalid?.detail ?? '' };
  }
  const retries = options.retries ?? BULK_RETRIES;
  const backoff = options.backoffMs ?? ((attempt: number) => 1000 * 2 ** (attempt - 1));
  const url = `${options.baseUrl}/api/v1/admin/tenants/${encodeURIComponent(options.tenantId)}/adjustments`;
  let last: RowResult = { rowId: row.rowId, status: 'failed', code: 'not_sent', detail: '' };
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    let waitMs: number | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          'idempotency-key': row.idempotencyKey,
        },
        body: JSON.stringify(row.body),
      });
      const text = await response.text();
      let answer: Record<string, unknown> = {};
      try {
        answer = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        answer = { detail: text.slice(0, 200) };
      }
      if (response.ok) {
        const replayed = response.headers.get('idempotent-replayed') === 'true';
        return {
          rowId: row.rowId,
          status: replayed ? 'replayed' : 'requested',
          ...(typeof answer.approvalId === 'string' ? { approvalId: answer.approvalId } : {}),
        };
      }
      const code = typeof answer.code === 'string' ? answer.code : `http_${response.status}`;
      const detail = typeof answer.detail === 'string' ? answer.detail : `${response.status}`;
      const retryAfter = response.headers.get('retry-after');
      const transient = response.status === 429 || response.status >= 500 || (response.status === 409 && retryAfter !== null);
      if (!transient) return { rowId: row.rowId, status: 'refused', code, detail };
      last = { rowId: row.rowId, status: 'failed', code, detail };
      const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
      if (Number.isFinite(seconds) && seconds >= 0) waitMs = Math.min(seconds, MAX_RETRY_WAIT_SECONDS) * 1000;
    } catch (error) {
      last = { rowId: row.rowId, status: 'failed', code: 'network_error', detail: error instanceof Error ? error.message : String(error) };
    }
    if (attempt < retries) await delay(waitMs ?? backoff(attempt + 1));
  }
  return last;
}

export interface BulkSummary {
  rows: number;
  counts: Record<RowStatus, number>;
}

/**
 * Sends every valid row, `concurrency` at a time, and writes the result CSV in file order as
 * rows finish (so an interrupted run leaves the rows done so far); `onProgress` after each row.
 */
export async function runBulk(
  rows: PlannedRow[],
  options: SendOptions & { outPath: string; concurrency?: number; onProgress?: (done: number, summary: BulkSummary) => void },
): Promise<BulkSummary> {
  const summary: BulkSummary = { rows: rows.length, counts: { requested: 0, replayed: 0, invalid: 0, refused: 0, failed: 0 } };
  const results: (RowResult | undefined)[] = new Array(rows.length);
  const out = await open(options.outPath, 'w');
  try {
    let written = 0;
    let writing: Promise<unknown> = out.write(csvLine(RESULT_COLUMNS));
    const flush = () => {
      let text = '';
      while (written < results.length && results[written] !== undefined) {
        const result = results[written]!;
        text += csvLine([result.rowId, result.status, result.approvalId ?? '', result.code ?? '', result.detail ?? '']);
        written += 1;
      }
      if (text !== '') writing = writing.then(() => out.write(text));
    };
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < rows.length) {
        const index = next;
        next += 1;
        const result = await sendRow(rows[index]!, options);
        results[index] = result;
        summary.counts[result.status] += 1;
        done += 1;
        flush();
        options.onProgress?.(done, summary);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? BULK_CONCURRENCY, rows.length)) }, worker));
    await writing;
  } finally {
    await out.close();
  }
  return summary;
}

/** `bulk-adjust: 120 rows, 118 requested, 2 invalid` (the statuses that occurred, in a fixed order). */
export function summaryLine(summary: BulkSummary): string {
  const parts = (Object.entries(summary.counts) as [RowStatus, number][]).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`);
  return `bulk-adjust: ${summary.rows} row${summary.rows === 1 ? '' : 's'}${parts.length > 0 ? `, ${parts.join(', ')}` : ''}`;
}

/** A one-line progress bar for a terminal: `[########------------]  40/120  38 requested, 2 invalid`. */
export function progressBar(done: number, summary: BulkSummary, width = 30): string {
  const filled = summary.rows === 0 ? width : Math.round((done / summary.rows) * width);
  const counts = summaryLine(summary).replace(/^bulk-adjust: \d+ rows?,? ?/, '');
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(done).padStart(String(summary.rows).length)}/${summary.rows}  ${counts}`;
}
