import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/**
 * The one argument parser of every command in scripts/ (and `npm start`): `--help`/`-h`
 * prints the usage and exits 0; a usage mistake (unknown option, missing or bad value) is one
 * line on stderr with a hint, exit 2; any other failure one line, exit 1. Never a stack trace.
 */
export interface CliSpec<O extends ParseArgsOptionsConfig> {
  /** How the user runs it, e.g. `npm run admin --`. */
  command: string;
  /** The whole help text, printed as is. */
  usage: string;
  options: O;
  allowPositionals?: boolean;
}

/** A mistake in how the command was called: exit 2. */
export class UsageError extends Error {}

export function parseCli<O extends ParseArgsOptionsConfig>(spec: CliSpec<O>, args: string[] = process.argv.slice(2)) {
  const parse = () =>
    parseArgs({
      args,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    usageFail(spec, firstSentence(error));
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    process.stdout.write(spec.usage.endsWith('\n') ? spec.usage : `${spec.usage}\n`);
    process.exit(0);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Runs the command's body: a UsageError exits 2, anything else 1, each as one line. */
export async function runCli(spec: Pick<CliSpec<ParseArgsOptionsConfig>, 'command'>, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) usageFail(spec, error.message);
    process.stderr.write(`${shortName(spec)}: ${firstSentence(error, false)}\n`);
    process.exit(1);
  }
}

function usageFail(spec: Pick<CliSpec<ParseArgsOptionsConfig>, 'command'>, message: string): never {
  process.stderr.write(`${shortName(spec)}: ${message} (see: ${spec.command} --help)\n`);
  process.exit(2);
}

/** `npm run admin --` → `admin`, `npm start --` → `start`. */
function shortName(spec: Pick<CliSpec<ParseArgsOptionsConfig>, 'command'>): string {
  return spec.command.replace(/ --$/, '').split(' ').at(-1) ?? spec.command;
}

/** parseArgs explains at length; the first sentence says what is wrong. Always one line. */
function firstSentence(error: unknown, cut = true): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  if (!cut) return message;
  const end = message.search(/\.\s/);
  return end === -1 ? message.replace(/\.$/, '') : message.slice(0, end);
}

/** A whole number within bounds, or a UsageError naming the option. */
export function integerOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** A required string option, or a UsageError naming it. */
export function requiredOption(name: string, raw: string | undefined, context = ''): string {
  if (raw === undefined || raw === '') throw new UsageError(`--${name} is required${context ? ` ${context}` : ''}`);
  return raw;
}
