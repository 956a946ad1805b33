import { Logger } from '@aws-lambda-powertools/logger';
// Checks STAGE and POWERTOOLS_LOG_LEVEL once, at cold start (Powertools reads the level itself).
import '../../config/observability.ts';

/** One structured logger per function. Log only ids and codes: never keys, tokens or PII. */
export const logger = new Logger({ serviceName: 'redroomrewards' });

// No Powertools tracer: it brought the X-Ray SDK and semver (about 120 KB, half of each bundle)
// and about 45 ms to every cold start, for a handler subsegment with a ColdStart annotation and
// HTTPS subsegments of the SDK's calls. Functions keep active tracing (lib/api-function.ts): X-Ray
// still records each invocation with its init, invocation and overhead times. README, design.
