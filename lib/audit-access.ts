import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { EXPORTS_ROOT, INCOMING_ROOT, PENDING_ROOT } from '../functions/audit/layout.ts';
import type { ApiFunction } from './api-function.ts';
import { logicalIdOf } from './logical-id.ts';

/**
 * What a function may do on the audit bucket, by purpose (the exporter's own PutObject on
 * incoming/ is in lib/stream-exporter.ts):
 * - `read-exports`: the finance route. GetObject on sealed exports (its presigned links are
 *   signed with these rights) and decrypt; no listing, nothing under incoming/.
 * - `plan-seals`: the AuditSeal workflow's planner. Lists pending/ (the changed tenant-days) only.
 * - `seal`: the AuditSeal workflow's per-day task. Lists and reads incoming/ and exports/,
 *   writes exports/ (parts, index objects and manifests), and writes or removes its day's
 *   pending/ marker; nothing else is ever deleted, no retention or legal-hold change.
 */
export type AuditAccess = 'read-exports' | 'plan-seals' | 'seal';

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
  const listing = (prefixes: string[]) =>
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
    });
  if (access === 'plan-seals') {
    // Keys are not encrypted and listing returns no content: no KMS right is needed.
    fn.function.addToRolePolicy(listing([PENDING_ROOT]));
    return;
  }
  const pendingObjects = bucket.arnForObjects(`${PENDING_ROOT}*`);
  fn.function.addToRolePolicy(listing([INCOMING_ROOT, EXPORTS_ROOT]));
  fn.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [incomingObjects, exportsObjects] }));
  fn.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [exportsObjects, pendingObjects] }));
  fn.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [pendingObjects] }));
  key.grant(fn.function, 'kms:Decrypt', 'kms:GenerateDataKey');
  Validations.of(fn).acknowledge(
    {
      id: wildcard(INCOMING_ROOT),
      reason: "Reads the exporter's objects of any tenant and day to seal them; keys are not known in advance.",
    },
    { id: wildcard(EXPORTS_ROOT), reason: 'Writes and rereads sealed parts and manifests of any tenant and day; keys are content-named.' },
    { id: wildcard(PENDING_ROOT), reason: "Removes (or puts back) the sealed tenant-day's pending marker; markers hold nothing." },
  );
}
