import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Operator CLI over the admin API (the same routes an operator console would call):
 *   npm run admin -- create-tenant --tenant acme --name "Acme" [--time-zone Europe/Paris]
 *   npm run admin -- create-key --tenant acme --scopes earn,redeem,read [--label pos] [--expires-at 2027-01-01T00:00:00Z]
 *   npm run admin -- list-keys --tenant acme
 *   npm run admin -- rotate-key --tenant acme --key key_0123456789abcdef [--overlap-seconds 86400]
 *   npm run admin -- revoke-key --tenant acme --key key_0123456789abcdef --reason compromised
 * It talks to RRR_BASE_URL with RRR_OPERATOR_TOKEN, or by default to the local service with
 * the platform admin token from .local/credentials.json. Prints the JSON answer; exits 1 on
 * a refusal. Each call sends a fresh Idempotency-Key unless --idempotency-key is given.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: true,
  options: {
    tenant: { type: 'string' },
    name: { type: 'string' },
    'time-zone': { type: 'string' },
    scopes: { type: 'string' },
    label: { type: 'string' },
    'expires-at': { type: 'string' },
    key: { type: 'string' },
    'overlap-seconds': { type: 'string' },
    reason: { type: 'string' },
    'idempotency-key': { type: 'string' },
  },
});

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') fail(`--${name} is required`);
  return value as string;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const tenantPath = () => `/api/v1/admin/tenants/${encodeURIComponent(required('tenant'))}`;
const keyPath = () => `${tenantPath()}/keys/${encodeURIComponent(required('key'))}`;

const commands: Record<string, () => { method: string; path: string; body?: unknown }> = {
  'create-tenant': () => ({
    method: 'POST',
    path: '/api/v1/admin/tenants',
    body: { tenantId: required('tenant'), displayName: required('name'), ...(values['time-zone'] ? { timeZone: values['time-zone'] } : {}) },
  }),
  'create-key': () => ({
    method: 'POST',
    path: `${tenantPath()}/keys`,
    body: {
      scopes: required('scopes').split(','),
      ...(values.label ? { label: values.label } : {}),
      ...(values['expires-at'] ? { expiresAt: values['expires-at'] } : {}),
    },
  }),
  'list-keys': () => ({ method: 'GET', path: `${tenantPath()}/keys` }),
  'rotate-key': () => ({
    method: 'POST',
    path: `${keyPath()}/rotate`,
    body: values['overlap-seconds'] ? { overlapSeconds: Number(values['overlap-seconds']) } : {},
  }),
  'revoke-key': () => ({ method: 'POST', path: `${keyPath()}/revoke`, body: { reason: required('reason') } }),
};

async function target(): Promise<{ baseUrl: string; token: string }> {
  if (process.env.RRR_BASE_URL && process.env.RRR_OPERATOR_TOKEN) {
    return { baseUrl: process.env.RRR_BASE_URL, token: process.env.RRR_OPERATOR_TOKEN };
  }
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  const localDir = resolve(process.env.RRR_LOCAL_DIR ?? join(repoRoot, '.local'));
  const credentials = JSON.parse(await readFile(join(localDir, 'credentials.json'), 'utf8')) as { baseUrl: string; platformAdminToken: string };
  return { baseUrl: credentials.baseUrl, token: credentials.platformAdminToken };
}

const build = commands[positionals[0] ?? ''];
if (!build) fail(`usage: npm run admin -- <${Object.keys(commands).join('|')}> [options]`);
const request = build();
const { baseUrl, token } = await target();
const response = await fetch(`${baseUrl}${request.path}`, {
  method: request.method,
  headers: {
    authorization: `Bearer ${token}`,
    ...(request.body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': values['idempotency-key'] ?? randomUUID() } : {}),
  },
  ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
});
const text = await response.text();
console.log(text ? JSON.stringify(JSON.parse(text), null, 2) : `${response.status}`);
process.exit(response.ok ? 0 : 1);
