/**
 * A small RFC 4180 CSV reader and writer for the operator CLI (`admin bulk-adjust`). No CSV
 * package is among the dependencies and the lock file stays as it is, so this is the whole of
 * it: fields separated by commas, records by CRLF or LF (a lone CR too), a field in double
 * quotes may hold commas, line breaks and doubled quotes (`""`); a leading byte order mark is
 * dropped. A quote inside an unquoted field, text after a closing quote or a quote never closed
 * is an error naming its line, never a guess.
 */
export class CsvError extends Error {}

/** The records of `text`, each an array of fields; a blank line is a record of one empty field. */
export function parseCsv(text: string): string[][] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let line = 1;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (i < source.length) {
    const char = source[i]!;
    if (char === '"') {
      if (field !== '') throw new CsvError(`line ${line}: a quote inside an unquoted field (quote the whole field and double the quote)`);
      const start = line;
      i += 1;
      for (;;) {
        if (i >= source.length) throw new CsvError(`line ${start}: a quoted field is never closed`);
        const inner = source[i]!;
        if (inner === '"') {
          if (source[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (inner === '\n' || (inner === '\r' && source[i + 1] !== '\n')) line += 1;
        field += inner;
        i += 1;
      }
      const next = source[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw new CsvError(`line ${line}: text after the closing quote of a field`);
      }
      // After a quoted field: its comma ends it here; a line break or the end of the text ends the record below.
      if (next === ',') {
        endField();
        i += 1;
      }
      continue;
    }
    if (char === ',') {
      endField();
      i += 1;
    } else if (char === '\r' || char === '\n') {
      endRecord();
      i += char === '\r' && source[i + 1] === '\n' ? 2 : 1;
      line += 1;
    } else {
      field += char;
      i += 1;
    }
  }
  // The last record, unless the text ended with its line break.
  if (field !== '' || record.length > 0 || (source.length > 0 && !/[\r\n]$/.test(source))) endRecord();
  return records;
}

/** One field as CSV: quoted when it holds a comma, a quote, a line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record as a CSV line, CRLF-terminated as RFC 4180 says. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
