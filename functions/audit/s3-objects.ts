import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ObjectStore, StoredObject } from './object-store.ts';

/**
 * The audit bucket on S3. On AWS the client takes the Lambda's (or the shell's) credentials and
 * region; offline `S3_ENDPOINT` points it at the local S3 server, which needs path-style
 * addressing and no streamed checksums (it would store the chunk framing inside the object).
 */
export function s3ClientConfig(endpoint: string | undefined = process.env.S3_ENDPOINT): S3ClientConfig {
  return endpoint
    ? { endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', maxAttempts: 3 }
    : { maxAttempts: 3 };
}

let sharedClient: S3Client | undefined;

/** One client per process, created on first use (a warm Lambda reuses its connections). */
export function getS3Client(): S3Client {
  sharedClient ??= new S3Client(s3ClientConfig());
  return sharedClient;
}

export function auditBucketName(): string {
  const name = process.env.AUDIT_BUCKET;
  if (!name) throw new Error('AUDIT_BUCKET is not set');
  return name;
}

export function s3ObjectStore(client: S3Client = getS3Client(), bucket: string = auditBucketName()): ObjectStore {
  return {
    async list(prefix) {
      const objects: StoredObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const object of page.Contents ?? []) if (object.Key) objects.push({ key: object.Key, size: object.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async listPrefixes(prefix) {
      const prefixes: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const common of page.CommonPrefixes ?? []) if (common.Prefix) prefixes.push(common.Prefix);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return [...new Set(prefixes)].sort();
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await out.Body!.transformToByteArray());
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async put(key, body, options) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          // S3 refuses the upload unless the bytes it received have this hash.
          ChecksumSHA256: Buffer.from(options.sha256, 'hex').toString('base64'),
        }),
      );
    },
  };
}
