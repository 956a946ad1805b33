import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from './stage.ts';

/** Exports move to cold storage after this many days (SPEC section 4). */
export const AUDIT_COLD_AFTER_DAYS = 120;
/** And are deleted after 7 years (two leap days in any 7-year span), once their lock has run out. */
export const AUDIT_DELETE_AFTER_DAYS = 7 * 365 + 2;

/**
 * Where the stream exporter writes the audit trail: immutable (Object Lock, versioned),
 * encrypted with the data key, private, TLS only, and moved to cold storage after 120 days.
 * Glacier Instant Retrieval is the cold class because finance fetches past days with a plain
 * GET and no restore job; it costs less than a fifth of Standard.
 */
export class AuditBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: { stage: StageConfig; encryptionKey: IKey }) {
    super(scope, id);
    // S3 server access logs cannot go to a KMS-encrypted bucket: this one uses SSE-S3.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const lock = props.stage.auditLock;
    this.bucket = new Bucket(this, 'Bucket', {
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        lock.mode === 'COMPLIANCE'
          ? ObjectLockRetention.compliance(Duration.days(lock.days))
          : ObjectLockRetention.governance(Duration.days(lock.days)),
      encryption: BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      // One data key per object would cost a KMS call per export; a bucket key makes it per bucket.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'audit/',
      lifecycleRules: [
        {
          id: 'cold-after-120-days',
          transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(AUDIT_COLD_AFTER_DAYS) }],
          noncurrentVersionTransitions: [
            { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(AUDIT_COLD_AFTER_DAYS) },
          ],
        },
        {
          // Object Lock keeps every version for its retention (7 years in production), so these
          // take effect only after it: the current version gets a delete marker at 7 years, and
          // versions made noncurrent (a manifest re-sealed with late records) go 7 years later.
          id: 'delete-after-7-years',
          expiration: Duration.days(AUDIT_DELETE_AFTER_DAYS),
          noncurrentVersionExpiration: Duration.days(AUDIT_DELETE_AFTER_DAYS),
        },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      // Audit exports outlive any stack, in every stage; Object Lock would refuse the delete anyway.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
