import { readEnv } from './env.ts';
import { ObservabilityEnv } from './schemas.ts';

/** Read and checked once, when this module loads (the cold start); see schemas.ts. */
export const observabilityConfig = readEnv('observability', ObservabilityEnv);
