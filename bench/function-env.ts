/**
 * The environment the stack sets on a function (lib/api-function.ts), with offline stand-ins
 * for the table, bucket and hash-key secret: what a bundle's cold import reads at module load.
 * The bundle report and the cold-start comparison give each import exactly this.
 */
export const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'redroomrewards',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  STAGE: 'bench',
  TABLE_NAME: 'rrr-bench-table',
  AUDIT_BUCKET: 'rrr-bench-audit',
  HASH_KEY: '0'.repeat(64),
};
