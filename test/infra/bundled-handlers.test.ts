import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerEvent, putAccountEvent } from '../../bench/handler-event.ts';
import { LOCAL_CREDENTIALS, localS3SdkEnv } from '../../local/aws-env.ts';
import { startLocalS3, type LocalS3 } from '../../local/s3-local.ts';
import { provisionTenant } from '../../functions/usecases/provision-tenant.ts';
import { esbuildOptions } from '../../lib/bundle-options.ts';
import { fromRepoRoot } from '../../lib/repo-root.ts';
import { useTestTable } from '../support/test-table.ts';

/**
 * The bundles differ from the sources the other suites run: esbuild swaps in Node built-ins
 * through process.getBuiltinModule, the environment-only credential source and the event
 * stream stand-in (lib/bundle-options.ts). So a few handlers, bundled with the stack's own
 * options, are invoked here each in a fresh Node process, configured as on AWS: the hash key
 * from Secrets Manager (a stub on 127.0.0.1 answers GetSecretValue), role credentials in the
 * environment, DynamoDB Local and a local S3 behind the SDK's endpoint variables. Each call
 * signs and sends real SDK requests from inside a bundle.
 */
const HANDLERS = {
  putAccount: 'functions/api/handlers/put-account.ts',
  earn: 'functions/api/handlers/earn.ts',
  getBalance: 'functions/api/handlers/get-balance.ts',
  getAuditExport: 'functions/api/handlers/admin/get-audit-export.ts',
} as const;

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hash-key';
let outDir: string;
let secretsManager: Server;
let secretFetches = 0;
let s3: LocalS3;
let env: Record<string, string>;
let who: { tenantId: string; keyId: string };

beforeAll(async () => {
  const { tableName, endpoint } = await useTestTable();
  const tenantId = `bundled-${randomBytes(4).toString('hex')}`;
  const { keyId } = await provisionTenant({ tenantId, displayName: 'Bundled handlers' });
  who = { tenantId, keyId };
  s3 = await startLocalS3();

  secretsManager = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      secretFetches += 1;
      const asked = JSON.parse(body) as { SecretId?: string };
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      // A signed JSON 1.1 call, as the SDK sends it.
      if (
        request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' ||
        !/^AWS4-HMAC-SHA256 /.test(request.headers.authorization ?? '')
      ) {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'InvalidRequestException', message: 'unsigned or unexpected call' }));
        return;
      }
      response.end(JSON.stringify({ ARN: asked.SecretId, SecretString: process.env.HASH_KEY }));
    });
  });
  await new Promise<void>((listening) => secretsManager.listen(0, '127.0.0.1', listening));

  env = {
    PATH: process.env.PATH!,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`,
    ...localS3SdkEnv(s3.endpoint),
    TABLE_NAME: tableName,
    AUDIT_BUCKET: s3.bucket,
    HASH_KEY_SECRET_ARN: SECRET_ARN,
    POWERTOOLS_SERVICE_NAME: 'redroomrewards',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    STAGE: 'test',
  };

  outDir = mkdtempSync(join(tmpdir(), 'rrr-bundled-'));
  for (const [name, entry] of Object.entries(HANDLERS)) {
    await build({
      ...esbuildOptions,
      external: [...esbuildOptions.external],
      mainFields: [...esbuildOptions.mainFields],
      alias: { ...esbuildOptions.alias },
      entryPoints: [fromRepoRoot(entry)],
      outfile: join(outDir, name, 'index.mjs'),
      logLevel: 'error',
    });
  }
}, 120_000);

afterAll(async () => {
  secretsManager?.close();
  await s3?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** One cold start and one invocation of a bundled handler, in a fresh process (outside the repository). */
async function invoke(
  name: keyof typeof HANDLERS,
  event: unknown,
): Promise<{ statusCode: number; headers: Record<string, string>; body: any }> {
  const context = {
    functionName: name,
    functionVersion: '$LATEST',
    memoryLimitInMB: '256',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    awsRequestId: randomBytes(8).toString('hex'),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bundled',
  };
  const code = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(outDir, name, 'index.mjs')).href)});
    const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 10000 };
    process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)}, context)));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
    env,
    cwd: outDir,
    encoding: 'utf8',
  });
  const result = JSON.parse(stdout) as { statusCode: number; headers: Record<string, string>; body: string };
  return { ...result, body: JSON.parse(result.body) };
}

describe('bundled handlers, configured as on AWS', () => {
  it('link an account, earn, replay the earn and read the balance through DynamoDB', async () => {
    const fetchesBefore = secretFetches;
    expect((await invoke('putAccount', putAccountEvent(who, 'bundled-1', 'put-bundled-1'))).statusCode).toBe(201);

    const earn = partnerEvent({
      ...who,
      method: 'POST',
      path: '/api/v1/earn',
      body: { accountId: 'bundled-1', source: { type: 'purchase', orderId: 'bundled-order-1', subtotalCents: 12_345 } },
      idempotencyKey: 'earn-bundled-1',
    });
    const first = await invoke('earn', earn);
    expect(first.statusCode).toBe(201);
    expect(first.body.balance).toBeGreaterThan(0);
    const replay = await invoke('earn', earn);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);

    const balance = await invoke(
      'getBalance',
      partnerEvent({ ...who, method: 'GET', path: '/api/v1/balance', query: { accountId: 'bundled-1' } }),
    );
    expect(balance.statusCode).toBe(200);
    expect(balance.body.balance).toBe(first.body.balance);
    // Every cold start fetched the hash key, signed, with the environment's credentials.
    expect(secretFetches - fetchesBefore).toBe(4);
  });

  it('read the audit bucket through S3 (a day never sealed is not_found)', async () => {
    const event = {
      ...partnerEvent({ ...who, method: 'GET', path: `/api/v1/admin/tenants/${who.tenantId}/audit-exports/2020-01-01` }),
      pathParameters: { tenantId: who.tenantId, day: '2020-01-01' },
    };
    event.requestContext.authorizer = { claims: { sub: 'finance-1', 'cognito:groups': 'platform_admin' } };
    const answer = await invoke('getAuditExport', event);
    expect(answer.statusCode).toBe(404);
    expect(answer.body.code).toBe('not_found');
    // Answered from S3's NoSuchKey, not refused before the bucket was asked.
    expect(answer.body.detail).toMatch(/^No sealed audit export/);
  });
});
