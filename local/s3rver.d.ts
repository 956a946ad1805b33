/** The parts of s3rver 3.7 the local service uses (the package ships no types). */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  interface ListOptions {
    delimiter?: string;
    startAfter?: string;
    prefix?: string;
    maxKeys?: number;
  }

  interface ListResult {
    objects: { key: string }[];
    commonPrefixes: string[];
    isTruncated: boolean;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    store: { listObjects(bucket: string, options: ListOptions): Promise<ListResult> };
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }

  export default S3rver;
}
