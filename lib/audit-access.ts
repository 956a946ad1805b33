import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { EXPORTS_ROOT, INCOMING_ROOT } from '../functions/audit/layout.ts';
import type { ApiFunction } from './api-function.ts';
import { logicalIdOf } from './logical-id.ts';

/**
 * What a function may do on the audit bucket, by purpose (the exporter's own PutObject on
 * incoming/ is in lib/stream-exporter.ts):
 * - `read-exports`: the finance route. GetObject on sealed exports (its presigned links are
 *   signed with these rights) and decrypt; no listing, nothing under incoming/.
 * - `seal`: the sealing job. Lists the bucket, reads incoming/ and exports/, writes exports/
 *   only (parts and manifests); no delete, no retention or legal-hold change.
 */
export type AuditAccess = 'read-exports' | 'seal';

export function grantAuditAccess(fn: ApiFunction, audit: { bucket: Bucket; key: IKey }, access: AuditAccess): void {
  const { bucket, key } = audit;
  fn.function.addEnvironment('AUDIT_BUCKET', bucket.bucketName);
  const exportsObjects = bucket.arnForObjects(`${EXPORTS_ROOT}*`);
  const incomingObjects = bucket.arnForObjects(`${INCOMING_ROOT}*`);
  const wildcard = (prefix: string) => `AwsSolutions-IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/${prefix}*]`;
  if (access === 'read-exports') {
    fn.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [exportsObjects] }));
    key.grant(fn.function, 'kms:Decrypt');
    Validations.of(fn).acknowledge({
      id: wildcard(EXPORTS_ROOT),
      reason:
        'Reads sealed exports (any tenant and day under exports/) to presign finance downloads; the handler checks the operator may see that tenant.',
    });
    return;
  }
  fn.function.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${INCOMING_ROOT}*`, `${EXPORTS_ROOT}*`] } },
    }),
  );
  fn.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [incomingObjects, exportsObjects] }));
  fn.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [exportsObjects] }));
  key.grant(fn.function, 'kms:Decrypt', 'kms:GenerateDataKey');
  Validations.of(fn).acknowledge(
    {
      id: wildcard(INCOMING_ROOT),
      reason: "Reads the exporter's objects of any tenant and day to seal them; keys are not known in advance.",
    },
    { id: wildcard(EXPORTS_ROOT), reason: 'Writes and rereads sealed parts and manifests of any tenant and day; keys are content-named.' },
  );
}
