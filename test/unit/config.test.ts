import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditBucketEnv, HashKeyEnv, ObservabilityEnv, TableEnv } from '../../functions/config/schemas.ts';
import { ConfigError, readEnv } from '../../functions/config/env.ts';

const HEX = 'ab'.repeat(32);
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hash-key-AbCdEf';

describe('configuration: read once, checked, the culprit named', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each([
    ['table', TableEnv, {}, /^Configuration of table: TABLE_NAME is not set$/],
    ['table', TableEnv, { TABLE_NAME: '' }, /TABLE_NAME is not set/],
    ['table', TableEnv, { TABLE_NAME: 'no spaces allowed' }, /TABLE_NAME is not valid \(3 to 255/],
    ['bucket', AuditBucketEnv, { AUDIT_BUCKET: 'Upper_Case' }, /AUDIT_BUCKET is not valid \(an S3 bucket name\)/],
    ['hash key', HashKeyEnv, {}, /HASH_KEY_SECRET_ARN \(AWS\) or HASH_KEY \(offline\) must be set/],
    ['hash key', HashKeyEnv, { HASH_KEY: 'short' }, /HASH_KEY is not valid \(32 bytes of hex\)/],
    ['hash key', HashKeyEnv, { HASH_KEY_SECRET_ARN: 'my-secret' }, /HASH_KEY_SECRET_ARN is not valid/],
    ['observability', ObservabilityEnv, { POWERTOOLS_LOG_LEVEL: 'LOUD' }, /POWERTOOLS_LOG_LEVEL is not valid/],
  ] as const)('%s: %j is refused', (concern, schema, env, message) => {
    expect(() => readEnv(concern, schema, env)).toThrow(ConfigError);
    expect(() => readEnv(concern, schema, env)).toThrow(message);
  });

  it('reads valid values, ignores other variables, applies defaults and freezes the result', () => {
    expect(readEnv('table', TableEnv, { TABLE_NAME: 'RedRoomRewards-prod-Table1A2B', OTHER: 'x' })).toEqual({
      TABLE_NAME: 'RedRoomRewards-prod-Table1A2B',
    });
    expect(readEnv('hash key', HashKeyEnv, { HASH_KEY_SECRET_ARN: ARN, HASH_KEY: '' })).toEqual({ HASH_KEY_SECRET_ARN: ARN });
    expect(readEnv('hash key', HashKeyEnv, { HASH_KEY: HEX })).toEqual({ HASH_KEY: HEX });
    expect(readEnv('observability', ObservabilityEnv, {})).toEqual({ STAGE: 'local' });
    expect(Object.isFrozen(readEnv('table', TableEnv, { TABLE_NAME: 'abc' }))).toBe(true);
  });

  it('a module that needs a variable fails while loading (the cold start), not on a request', async () => {
    vi.stubEnv('TABLE_NAME', '');
    await expect(import('../../functions/store/client.ts')).rejects.toThrow(/Configuration of the table: TABLE_NAME is not set/);
    vi.stubEnv('AUDIT_BUCKET', '');
    await expect(import('../../functions/streams/audit-export.ts')).rejects.toThrow(/AUDIT_BUCKET is not set/);
  });
});
