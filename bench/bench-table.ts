import { randomBytes } from 'node:crypto';
import { localAwsEnv } from '../local/aws-env.ts';
import { ensureTable } from '../local/ensure-table.ts';

/**
 * Points this process's configuration at a fresh table on a started DynamoDB Local, with a
 * throwaway hash key. Store and handler modules read the configuration on load: a bench
 * imports them only after this.
 */
export async function prepareBenchTable(endpoint: string, table: string): Promise<void> {
  localAwsEnv(endpoint, table);
  await ensureTable(endpoint, table);
  process.env.HASH_KEY ??= randomBytes(32).toString('hex');
}
