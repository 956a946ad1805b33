import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const send = vi.fn();
vi.mock('@aws-sdk/client-secrets-manager', () => ({
  SecretsManagerClient: class {
    send = send;
  },
  GetSecretValueCommand: class {
    constructor(readonly input: unknown) {}
  },
}));

const KEY_HEX = 'ab'.repeat(32);
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hash-key';

describe('keyed hash on AWS: the key comes from Secrets Manager, once, at module load', () => {
  beforeEach(() => {
    vi.resetModules();
    send.mockReset();
    vi.stubEnv('HASH_KEY_SECRET_ARN', ARN);
    vi.stubEnv('HASH_KEY', '');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('hashes with the secret key and fetches it only once', async () => {
    send.mockResolvedValue({ SecretString: KEY_HEX });
    const { keyedHash } = await import('../../functions/security/keyed-hash.ts');
    const expected = createHmac('sha256', Buffer.from(KEY_HEX, 'hex')).update('ip\u00001.2.3.4').digest('base64url');
    expect(keyedHash('ip', '1.2.3.4')).toBe(expected);
    keyedHash('ip', '5.6.7.8');
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]![0].input).toEqual({ SecretId: ARN });
  });

  it('fails the cold start on a malformed secret', async () => {
    send.mockResolvedValue({ SecretString: 'not hex' });
    await expect(import('../../functions/security/keyed-hash.ts')).rejects.toThrow(/HASH_KEY_SECRET_ARN.*32 bytes of hex/);
  });
});
