#!/usr/bin/env node
// `npx rrr-audit` (the package's bin): the CLI is TypeScript that Node runs itself, by type
// stripping (on by default since Node 22.18 and 23.6), so it needs no loader, no build step
// and no dev dependency: `npm ci --omit=dev` is enough. Its import graph uses erasable syntax
// only and production dependencies only (test/unit/audit-cli-deps.test.ts keeps it so).
if (!process.features.typescript) {
  console.error(`rrr-audit: Node ${process.versions.node} cannot run TypeScript by itself; use Node 22.18 or later (24 recommended)`);
  process.exit(2);
}
await import('./rrr-audit.ts');
