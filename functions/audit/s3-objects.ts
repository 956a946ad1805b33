import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3_CLIENT_LIMITS } from '../config/sdk-clients.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';

/**
 * An audit bucket on S3. The client takes credentials, region and endpoint the SDK's standard
 * way (the Lambda's role, the shell's profile; offline AWS_ENDPOINT_URL_S3 and the checksum
 * variables set by local/), with bounded timeouts and attempts (functions/config/sdk-clients.ts).
 */
let sharedClient: S3Client | undefined;

/** One client per process, created on first use (a warm Lambda reuses its connections). */
export function getS3Client(): S3Client {
  sharedClient ??= new S3Client({ ...S3_CLIENT_LIMITS });
  return sharedClient;
}

/** The bucket is always named by the caller: the functions pass functions/config/audit-bucket.ts, the CLI its own. */
export function s3ObjectStore(bucket: string, client: S3Client = getS3Client()): ObjectStore {
  return {
    async list(prefix) {
      const objects: StoredObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
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
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
