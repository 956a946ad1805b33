import { readEnv } from './env.ts';
import { TableEnv } from './schemas.ts';

/** Read and checked once, when this module loads (the cold start); see schemas.ts. */
export const tableConfig = readEnv('the table', TableEnv);
