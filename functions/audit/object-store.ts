/**
 * The little the audit code needs from a bucket. `functions/audit/s3-objects.ts` implements it
 * on S3 (AWS, or the local S3 server); tests may wrap it to inject failures.
 */
export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectStore {
  /** Every object under the prefix (all pages), in key order. */
  list(prefix: string): Promise<StoredObject[]>;
  /** The common prefixes one level below `prefix` (a listing with delimiter `/`), in order. */
  listPrefixes(prefix: string): Promise<string[]>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Writes the object whole (S3 checks the SHA-256 sent with it). */
  put(key: string, body: Buffer, options: { contentType: string; sha256: string }): Promise<void>;
  /** Removes the object if it is there (only pending/ markers are ever removed). */
  delete(key: string): Promise<void>;
}
