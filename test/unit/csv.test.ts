import { describe, expect, it } from 'vitest';
import { CsvError, csvField, csvLine, parseCsv } from '../../scripts/csv.ts';

describe('parseCsv (RFC 4180)', () => {
  it('reads plain records with LF or CRLF line ends, with or without a final line break', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(parseCsv('a,b\r\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a\rb\r')).toEqual([['a'], ['b']]);
  });

  it('drops a leading byte order mark', () => {
    expect(parseCsv('\uFEFFrowId,points\r\nr1,5\r\n')).toEqual([
      ['rowId', 'points'],
      ['r1', '5'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(parseCsv('"a, b","say ""hi""","two\r\nlines"\r\nx,"",y\n')).toEqual([
      ['a, b', 'say "hi"', 'two\r\nlines'],
      ['x', '', 'y'],
    ]);
  });

  it('keeps empty fields, at the end of a record too, and blank lines as one empty field', () => {
    expect(parseCsv('a,,\n\nb\n')).toEqual([['a', '', ''], [''], ['b']]);
    expect(parseCsv('x,""')).toEqual([['x', '']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('refuses a stray quote, text after a closing quote and a quote never closed, naming the line', () => {
    expect(() => parseCsv('a,b\nc"d,e\n')).toThrow(
      new CsvError('line 2: a quote inside an unquoted field (quote the whole field and double the quote)'),
    );
    expect(() => parseCsv('a\n"x"y,1\n')).toThrow(/line 2: text after the closing quote/);
    expect(() => parseCsv('a\n\n"open,1\n')).toThrow(/line 3: a quoted field is never closed/);
  });

  it('writes fields back so that they read the same', () => {
    const record = ['plain', 'a, b', 'say "hi"', 'two\nlines', '', ' edge '];
    expect(csvField('plain')).toBe('plain');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvLine(['a', 'b'])).toBe('a,b\r\n');
    expect(parseCsv(csvLine(record))).toEqual([record]);
  });
});
