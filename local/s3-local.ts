import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3SdkEnv } from './aws-env.ts';
import { getFreePort } from './free-port.ts';

/** The audit bucket's name offline (on AWS the stack names it). */
export const LOCAL_AUDIT_BUCKET = 'redroomrewards-audit-local';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** Where the objects are kept (a temporary folder, removed on stop, unless `directory` was given). */
  directory: string;
  /** Stops listening; resolves once closed. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * A local S3 (s3rver) with the audit bucket, in this process: starts in milliseconds. Objects
 * are plain files under `directory` in the same key layout as on AWS; there is no Object Lock,
 * versioning or lifecycle offline.
 */
export async function startLocalS3(opts: { directory?: string; port?: number; bucket?: string } = {}): Promise<LocalS3> {
  const bucket = opts.bucket ?? LOCAL_AUDIT_BUCKET;
  const temporary = opts.directory === undefined;
  const directory = temporary ? await mkdtemp(join(tmpdir(), 'rrr-s3-')) : resolve(opts.directory!);
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port ?? (await getFreePort()),
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  fixDelimiterListing(server);
  acceptLocalCredentials();
  const address = await server.run();
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    directory,
    stop: () =>
      (stopping ??= (async () => {
        await server.close();
        if (temporary) await rm(directory, { recursive: true, force: true });
      })()),
  };
}

/**
 * s3rver 3.7 finds common prefixes only for keys exactly one level below them (its file walk
 * skips deeper folders), so listing `incoming/` by `/` would miss every day. Listed here the
 * way S3 does it: all keys under the prefix, rolled up at the first delimiter after it.
 */
function fixDelimiterListing(server: S3rver): void {
  const store = server.store;
  const listAll = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    if (!options.delimiter) return listAll(bucket, options);
    const prefix = options.prefix ?? '';
    const all = await listAll(bucket, { ...options, delimiter: '', maxKeys: Number.POSITIVE_INFINITY });
    const commonPrefixes = new Set<string>();
    const objects: typeof all.objects = [];
    for (const object of all.objects) {
      const rest = object.key.slice(prefix.length);
      const at = rest.indexOf(options.delimiter);
      if (at === -1) objects.push(object);
      else commonPrefixes.add(prefix + rest.slice(0, at + options.delimiter.length));
    }
    const maxKeys = options.maxKeys ?? 1000;
    return { objects: objects.slice(0, maxKeys), commonPrefixes: [...commonPrefixes].sort(), isTruncated: objects.length > maxKeys };
  };
}

/**
 * s3rver knows one access key, S3RVER; the local service's handlers sign with the placeholder
 * credentials every local tool uses (local/aws-env.ts), so those are registered too.
 */
function acceptLocalCredentials(): void {
  const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);
}

/** Points the exporter, the sealer and the audit route at the local S3. Call before importing them. */
export function localS3Env(s3: { endpoint: string; bucket: string }): void {
  Object.assign(process.env, localS3SdkEnv(s3.endpoint));
  process.env.AUDIT_BUCKET = s3.bucket;
}

/** Client settings for local tools and tests that talk to a local S3 with a client of their own. */
export function localS3ClientConfig(endpoint: string): S3ClientConfig {
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}
