import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../functions/config/lambda-credentials.ts';

/**
 * What bundles resolve credentials with (lib/bundle-options.ts aliases the SDK's default chain
 * to this module): the Lambda role's credentials from the environment, as the default chain's
 * first link reads them, and nothing else.
 */
describe('credentials in a Lambda bundle: the environment only', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('answers the variables Lambda sets, session token included', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');
    await expect(defaultProvider({})()).resolves.toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('fails without them instead of looking for files, processes or metadata endpoints', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    await expect(defaultProvider({})()).rejects.toThrow(/Unable to find environment variable credentials/);
  });
});
