import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { hashKeyConfig } from '../config/hash-key.ts';
import { SECRETS_MANAGER_CLIENT_LIMITS } from '../config/sdk-clients.ts';

/**
 * Keyed hashing for partner keys and client metadata (IP, device): without the key a stolen
 * table or export cannot be matched against guessed values. Offline the key comes from the
 * HASH_KEY environment variable (generated at start). On AWS a secret never sits in a plain
 * environment variable: HASH_KEY_SECRET_ARN names a Secrets Manager secret, fetched once
 * while this module loads (functions/config/hash-key.ts reads and checks both variables).
 * The top-level await runs in the Lambda init phase, so no request waits for it and `keyedHash` stays synchronous; a missing or malformed secret fails the
 * cold start instead of a request.
 *
 * The client is imported statically although only AWS uses it. A dynamic `import()` kept it
 * out of offline processes, but in a bundle it made esbuild keep the whole client namespace
 * (every Secrets Manager command and error) and wrap every SDK module the DynamoDB client
 * shares with it in a lazy initializer, all of it compiled at every cold start: init as on
 * AWS (secret fetched) took 9 to 19 ms more CPU that way, earn's and health's bundles 20 KB
 * more (README, design decisions, "Cold start").
 */
let hashKey: Buffer;

function parseHexKey(hex: string | undefined, source: string): Buffer {
  if (!hex || !/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${source} must be 32 bytes of hex`);
  return Buffer.from(hex, 'hex');
}

const secretArn = hashKeyConfig.HASH_KEY_SECRET_ARN;
if (secretArn) {
  const out = await new SecretsManagerClient({ ...SECRETS_MANAGER_CLIENT_LIMITS }).send(new GetSecretValueCommand({ SecretId: secretArn }));
  hashKey = parseHexKey(out.SecretString, 'The secret named by HASH_KEY_SECRET_ARN');
} else {
  hashKey = parseHexKey(hashKeyConfig.HASH_KEY, 'HASH_KEY');
}

export function keyedHash(purpose: string, value: string): string {
  return createHmac('sha256', hashKey).update(`${purpose}\u0000${value}`).digest('base64url');
}
