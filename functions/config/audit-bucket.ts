import { readEnv } from './env.ts';
import { AuditBucketEnv } from './schemas.ts';

/** Read and checked once, when this module loads (the cold start); see schemas.ts. */
export const auditBucketConfig = readEnv('the audit bucket', AuditBucketEnv);
