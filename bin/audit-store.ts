import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../functions/audit/object-store.ts';
import { s3ObjectStore } from '../functions/audit/s3-objects.ts';
import { S3_CLIENT_LIMITS } from '../functions/config/sdk-clients.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3SdkEnv } from '../local/aws-env.ts';

/**
 * The audit bucket a command-line tool reads (`rrr-audit`, and `npm run admin -- replay` of a
 * whole tenant): `bucket` (--bucket) or RRR_AUDIT_BUCKET on AWS with the usual AWS environment,
 * or another S3 at `endpoint` (--endpoint, the SDK's own AWS_ENDPOINT_URL_S3); without either,
 * the local service's S3 named in .local/credentials.json (RRR_LOCAL_DIR to look elsewhere).
 * Erasable syntax and production dependencies only: rrr-audit runs it without a loader.
 */
export async function openAuditStore(options: { bucket?: string | undefined; endpoint?: string | undefined }): Promise<{
  store: ObjectStore;
  where: string;
}> {
  let bucket = options.bucket ?? process.env.RRR_AUDIT_BUCKET;
  // The SDK reads its endpoint from AWS_ENDPOINT_URL_S3 by itself; --endpoint is a shorthand for it.
  if (options.endpoint) process.env.AWS_ENDPOINT_URL_S3 = options.endpoint;
  if (!bucket) {
    const repoRoot = fileURLToPath(new URL('..', import.meta.url));
    const path = join(resolve(process.env.RRR_LOCAL_DIR ?? join(repoRoot, '.local')), 'credentials.json');
    let credentials: { s3Endpoint?: string; auditBucket?: string };
    try {
      credentials = JSON.parse(await readFile(path, 'utf8')) as typeof credentials;
    } catch {
      throw new Error(`No bucket given and no local service credentials at ${path}: run npm start, or set RRR_AUDIT_BUCKET (AWS)`);
    }
    if (!credentials.auditBucket || !credentials.s3Endpoint) throw new Error(`${path} names no audit bucket: restart npm start`);
    bucket = credentials.auditBucket;
    // The local service's S3, reached the standard way, with the placeholder keys it accepts.
    const localEnv = { ...localS3SdkEnv(options.endpoint ?? credentials.s3Endpoint), AWS_REGION: LOCAL_REGION };
    Object.assign(process.env, localEnv, {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
  }
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL;
  const client = new S3Client({ ...S3_CLIENT_LIMITS });
  return { store: s3ObjectStore(bucket, client), where: endpoint ? `${bucket} at ${endpoint}` : `s3://${bucket}` };
}
