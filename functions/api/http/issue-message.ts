/**
 * What a validation issue says to a person: the expectation and, where it is safe to echo,
 * what arrived ("expected an integer, received string"). zod/mini carries no messages (every
 * issue would read "Invalid input"), and zod's English locale prefixes most of its messages
 * with exactly that, so the few issue kinds our schemas can raise are worded here. A message
 * a schema gives itself (a refinement's) is kept: zod prefers it over this map.
 */

/** The raw issue zod hands an error map: the finalized issue plus the offending input. */
interface RawIssue {
  code?: string;
  input?: unknown;
  expected?: string;
  origin?: string;
  format?: string;
  pattern?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  divisor?: number;
  keys?: string[];
  values?: unknown[];
  options?: unknown[];
  discriminator?: string;
  message?: string;
  /** The schema that raised it: an integer schema reports a string as "expected number". */
  inst?: unknown;
}

const NOUNS: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  literal: 'a fixed value',
};

const FORMATS: Record<string, string> = {
  datetime: 'an ISO 8601 date-time with a time zone offset, e.g. 2026-11-25T14:03:00Z',
  date: 'a date, YYYY-MM-DD',
};

/** Only types and numbers are echoed back: strings are the caller's data, and may be long. */
function received(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'number') return Number.isFinite(input) ? String(input) : 'a non-finite number';
  return typeof input;
}

const quoted = (values: unknown[]) => values.map((value) => JSON.stringify(value)).join(', ');

function bound(issue: RawIssue, least: boolean): string {
  const limit = least ? issue.minimum : issue.maximum;
  const count = (noun: string) => `expected ${least ? 'at least' : 'at most'} ${limit} ${noun}${limit === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return count('character');
  if (issue.origin === 'array' || issue.origin === 'set') return count('item');
  const comparison = least ? (issue.inclusive ? 'at least' : 'greater than') : issue.inclusive ? 'at most' : 'less than';
  return `expected a number ${comparison} ${limit}, received ${received(issue.input)}`;
}

export function issueMessage(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const format = (issue.inst as { _zod?: { def?: { format?: unknown } } } | undefined)?._zod?.def?.format;
      const integer = issue.expected === 'number' && typeof format === 'string' && format.includes('int');
      const noun = NOUNS[integer ? 'int' : (issue.expected ?? '')] ?? issue.expected;
      return issue.input === undefined ? `missing, expected ${noun}` : `expected ${noun}, received ${received(issue.input)}`;
    }
    case 'unrecognized_keys': {
      const keys = issue.keys ?? [];
      return `unknown field${keys.length === 1 ? '' : 's'} ${quoted(keys)}`;
    }
    case 'too_small':
      return bound(issue, true);
    case 'too_big':
      return bound(issue, false);
    case 'invalid_format':
      return issue.format !== undefined && issue.format in FORMATS
        ? `expected ${FORMATS[issue.format]}`
        : `expected a string matching ${issue.pattern ?? `the ${issue.format} format`}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, received ${received(issue.input)}`;
    case 'invalid_value':
      return `expected ${(issue.values ?? []).length === 1 ? '' : 'one of '}${quoted(issue.values ?? [])}`;
    case 'invalid_union':
      return issue.discriminator !== undefined ? `expected one of ${quoted(issue.options ?? [])}` : 'matches none of the allowed shapes';
    default:
      return issue.message ?? 'not valid';
  }
}
