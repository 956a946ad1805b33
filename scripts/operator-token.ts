import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATOR_ROLES, type OperatorRole } from '../functions/domain/vocabulary.ts';
import { existingOperatorIssuer } from '../local/operator-issuer-key.ts';
import { integerOption, parseCli, runCli, UsageError } from './cli-args.ts';

const ROLES: readonly OperatorRole[] = OPERATOR_ROLES;

const spec = {
  command: 'npm run operator-token --',
  usage: `Usage: npm run operator-token -- --role ROLE [--tenant ID] [--subject NAME] [--ttl SECONDS]

Mints an operator token the local service (npm start) accepts and prints it alone, for
$(...) in scripts.

  --role     ${ROLES.join(', ')}
  --tenant   the tenant it is bound to: required for tenant_admin and support, optional for
             finance (without it: all tenants), refused for platform_admin
  --subject  who the token names (default local-ROLE)
  --ttl      lifetime in seconds, 60 to 86400 (default 3600)
  -h, --help this text

Signs with the local issuer's key in .local/ (RRR_LOCAL_DIR to look elsewhere).`,
  options: {
    role: { type: 'string' },
    tenant: { type: 'string' },
    subject: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
  },
} as const;

const { values } = parseCli(spec);

await runCli(spec, async () => {
  const role = values.role as OperatorRole | undefined;
  if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (role === 'platform_admin' && values.tenant !== undefined) throw new UsageError('platform_admin tokens carry no --tenant');
  if (role !== 'platform_admin' && role !== 'finance' && values.tenant === undefined)
    throw new UsageError(`--tenant is required for ${role}`);
  const ttlSeconds = integerOption('ttl', values.ttl, 60, 86_400)!;

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
});
