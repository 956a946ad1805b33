import * as z from 'zod/mini';

/** A configuration variable is missing or malformed: thrown while a module loads (cold start). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads one concern's environment variables through its schema, once, when the module that
 * needs them loads: on Lambda that is the init phase, so a missing or malformed variable fails
 * the cold start, naming the variable, instead of failing requests later. Empty strings count
 * as unset. Object schemas only: each key is a variable name.
 */
export function readEnv<S extends z.ZodMiniObject>(
  concern: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<S>> {
  const keys = Object.keys(schema.def.shape);
  const input = Object.fromEntries(keys.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]));
  const result = z.safeParse(schema, input);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? String(issue.path[0]) : undefined;
    if (name === undefined) return issue.message;
    if (input[name] === undefined) return `${name} is not set`;
    return `${name} is not valid${issue.message && issue.message !== 'Invalid input' ? ` (${issue.message})` : ''}`;
  });
  throw new ConfigError(`Configuration of ${concern}: ${problems.join('; ')}`);
}
