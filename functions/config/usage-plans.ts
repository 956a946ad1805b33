import * as z from 'zod/mini';
import { ConfigError, readEnv } from './env.ts';
import { UsagePlanNames, UsagePlansEnv } from './schemas.ts';

function planNamesOf(json: string | undefined): z.infer<typeof UsagePlanNames> | undefined {
  if (json === undefined) return undefined;
  try {
    return z.parse(UsagePlanNames, JSON.parse(json));
  } catch {
    throw new ConfigError('Configuration of the usage plans: USAGE_PLAN_NAMES is not valid (JSON {"standard": name, "high": name})');
  }
}

/** Read and checked once, when this module loads (the cold start); see schemas.ts. */
export const usagePlanNames = planNamesOf(readEnv('the usage plans', UsagePlansEnv).USAGE_PLAN_NAMES);
