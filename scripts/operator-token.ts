import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OPERATOR_ROLES, type OperatorRole } from '../functions/domain/vocabulary.ts';
import { existingOperatorIssuer } from '../local/operator-issuer-key.ts';

/**
 * Mints an operator token the local service accepts:
 *   npm run operator-token -- --role tenant_admin --tenant demo [--subject alice] [--ttl 3600]
 * Roles: platform_admin (no tenant), tenant_admin, support, finance (tenant-bound; finance
 * without --tenant reads across tenants). Prints the token alone, for $(...) in scripts.
 */
const ROLES: readonly OperatorRole[] = OPERATOR_ROLES;

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    tenant: { type: 'string' },
    subject: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
  },
  strict: true,
});

const role = values.role as OperatorRole | undefined;
if (!role || !ROLES.includes(role)) {
  console.error(`--role must be one of ${ROLES.join(', ')}`);
  process.exit(2);
}
if (role === 'platform_admin' ? values.tenant !== undefined : role !== 'finance' && values.tenant === undefined) {
  console.error(role === 'platform_admin' ? 'platform_admin tokens carry no --tenant' : `--tenant is required for ${role}`);
  process.exit(2);
}
const ttlSeconds = Number(values.ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 86_400) {
  console.error('--ttl is seconds, 60 to 86400');
  process.exit(2);
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const localDir = resolve(process.env.RRR_LOCAL_DIR ?? join(repoRoot, '.local'));
const issuer = await existingOperatorIssuer(localDir);
console.log(
  await issuer.mint({
    subject: values.subject ?? `local-${role}`,
    roles: [role],
    ...(values.tenant ? { tenantId: values.tenant } : {}),
    ttlSeconds,
  }),
);
