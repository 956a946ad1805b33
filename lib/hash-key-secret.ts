import { Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { dataRemovalPolicy, type StageConfig } from './stage.ts';

/**
 * HASH_KEY on AWS: the HMAC key for keyed hashes of partner keys and client metadata, as a
 * generated Secrets Manager secret (64 hex characters = 32 bytes). Functions get its ARN in
 * HASH_KEY_SECRET_ARN and read it once at cold start (functions/security/keyed-hash.ts);
 * the key itself never appears in the template or in an environment variable.
 */
export class HashKeySecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: { stage: StageConfig; encryptionKey: IKey }) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'RedRoomRewards HASH_KEY: 32-byte HMAC key (hex) for partner-key and client-metadata hashes',
      encryptionKey: props.encryptionKey,
      generateSecretString: {
        passwordLength: 64,
        // Leaves 0-9 and a-f: exactly the hex alphabet keyed-hash.ts accepts.
        excludeUppercase: true,
        excludePunctuation: true,
        excludeCharacters: 'ghijklmnopqrstuvwxyz',
        includeSpace: false,
        requireEachIncludedType: false,
      },
      // Losing this key orphans every stored partner-key hash: it lives as long as the data.
      removalPolicy: dataRemovalPolicy(props.stage),
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated automatically: every stored partner-key hash and hashed client metadata is an HMAC under this key, so ' +
        'a rotation is a re-keying migration (re-issue partner keys), done by hand per docs/deploy.md, not a scheduled Lambda.',
    });
  }
}
