import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per function. Log only ids and codes: never keys, tokens or PII. */
export const logger = new Logger({ serviceName: 'redroomrewards' });
