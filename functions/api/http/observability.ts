import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
// Checks STAGE and POWERTOOLS_LOG_LEVEL once, at cold start (Powertools reads the level itself).
import '../../config/observability.ts';

/** One structured logger per function. Log only ids and codes: never keys, tokens or PII. */
export const logger = new Logger({ serviceName: 'redroomrewards' });

/** X-Ray tracing in Lambda; it switches itself off anywhere else (offline, tests). */
export const tracer = new Tracer({ serviceName: 'redroomrewards' });
