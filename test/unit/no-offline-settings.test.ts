import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sourceFiles, withoutComments } from '../support/import-scan.ts';

/**
 * ARCHITECTURE.md: only local/ knows it is not on AWS. The functions create their SDK clients
 * with no endpoint, addressing or checksum setting; offline, local/ and the tests set the SDK's
 * standard variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3,
 * AWS_ENDPOINT_URL_DYNAMODB_STREAMS, AWS_REQUEST_CHECKSUM_CALCULATION, ...), which the SDK reads
 * by itself. And the functions read the environment only through functions/config/.
 */
const OFFLINE_SETTINGS = [
  /\bendpoint\s*:/,
  /forcePathStyle/,
  /requestChecksumCalculation|responseChecksumValidation/,
  /ENDPOINT/,
  /S3RVER|s3rver|localhost|127\.0\.0\.1/,
  /local\//,
];

const functionFiles = sourceFiles('functions');
/** The code, comments left out: they may well explain what offline does. */
const text = (file: string) => withoutComments(readFileSync(join(repoRoot, file), 'utf8'));

describe('functions/ holds no offline settings', () => {
  it.each(OFFLINE_SETTINGS.map((pattern) => [String(pattern), pattern] as const))('no file in functions/ matches %s', (_, pattern) => {
    expect(functionFiles.filter((file) => pattern.test(text(file)))).toEqual([]);
  });

  it('process.env is read only by functions/config/', () => {
    expect(functionFiles.filter((file) => !file.startsWith('functions/config/') && /process\.env/.test(text(file)))).toEqual([]);
  });

  it('the scan reads the functions (it sees the client modules)', () => {
    expect(functionFiles).toEqual(expect.arrayContaining(['functions/store/client.ts', 'functions/audit/s3-objects.ts']));
  });
});
