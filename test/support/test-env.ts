import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { localAwsEnv } from '../../local/aws-env.ts';

/**
 * Runs before each test file is imported (vitest `setupFiles`). The functions read and check
 * their configuration once, when their modules load (functions/config/), and a test file may
 * import a store module at its top: so the environment a Lambda would be given is set here
 * first, as local/start.ts does for the local service. Each file gets its own table name on
 * the run's DynamoDB Local (created by useTestTable) and a random hash key; the endpoints go
 * through the SDK's standard AWS_ENDPOINT_URL_* variables.
 */
localAwsEnv(inject('dynamoEndpoint'), `test-${randomBytes(6).toString('hex')}`);
process.env.HASH_KEY ??= randomBytes(32).toString('hex');
