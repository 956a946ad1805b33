import { Duration } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { dataRemovalPolicy, type StageConfig } from './stage.ts';

/**
 * The customer-managed KMS key for the service's data at rest: the table (and its stream),
 * the hash-key secret, the audit bucket and the exporter's DLQ. A customer-managed key puts
 * every decrypt in CloudTrail and lets us revoke access in one place.
 */
export class DataKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: { stage: StageConfig }) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `RedRoomRewards ${props.stage.name}: data at rest (table, stream, secret, audit exports)`,
      enableKeyRotation: true,
      // Deleting the key makes the retained table and exports unreadable: keep it with them.
      removalPolicy: dataRemovalPolicy(props.stage),
      pendingWindow: Duration.days(30),
    });
  }
}
