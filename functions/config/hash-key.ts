import { readEnv } from './env.ts';
import { HashKeyEnv } from './schemas.ts';

/** Read and checked once, when this module loads (the cold start); see schemas.ts. */
export const hashKeyConfig = readEnv('the hash key', HashKeyEnv);
