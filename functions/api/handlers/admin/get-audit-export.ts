import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { sha256Hex } from '../../../audit/jsonl.ts';
import { manifestKey } from '../../../audit/layout.ts';
import { parseManifest } from '../../../audit/manifest.ts';
import { fetchedObjects } from '../../../audit/wallet-index.ts';
import { getS3Client, s3ObjectStore } from '../../../audit/s3-objects.ts';
import { auditBucketConfig } from '../../../config/audit-bucket.ts';
import { ProblemError } from '../../http/problem.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { getAuditExportRoute } from '../../routes/admin/get-audit-export.ts';

/** Download links last long enough to fetch a day, not long enough to be passed around. */
export const AUDIT_URL_SECONDS = 300;

/**
 * Finance's way to a sealed day without console access: the manifest and every object it
 * lists (parts and wallet index), each with a presigned GET. Unsealed days are not served: the manifest is the export.
 */
export const handler = httpHandler(getAuditExportRoute, async ({ tenantId, params }) => {
  const key = manifestKey(tenantId, params.day);
  const bucket = auditBucketConfig.AUDIT_BUCKET;
  const body = await s3ObjectStore(bucket).get(key);
  if (!body)
    throw new ProblemError(
      'not_found',
      `No sealed audit export for ${tenantId} on ${params.day} (days are sealed within an hour after they end, UTC)`,
    );
  const manifest = parseManifest(body);
  const client = getS3Client();
  const url = (objectKey: string) =>
    getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: objectKey }), { expiresIn: AUDIT_URL_SECONDS });
  const urlsExpireAt = new Date(Date.now() + AUDIT_URL_SECONDS * 1000).toISOString();
  return {
    status: 200,
    body: {
      tenantId,
      day: manifest.day,
      revision: manifest.revision,
      sealedAt: manifest.sealedAt,
      dayClosed: manifest.dayClosed,
      recordCount: manifest.recordCount,
      urlsExpireAt,
      manifest: { key, sha256: sha256Hex(body), url: await url(key) },
      objects: await Promise.all(fetchedObjects(manifest).map(async (object) => ({ ...object, url: await url(object.key) }))),
    },
  };
});
