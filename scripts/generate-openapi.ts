import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { routes } from '../functions/api/manifest.ts';
import { buildOpenApiDocument } from '../schemas/openapi-document.ts';
import { parseCli } from './cli-args.ts';

parseCli({
  command: 'npm run openapi --',
  usage: `Usage: npm run openapi

Writes schemas/openapi.json from the route manifest (a test fails when the committed copy is
stale). No options but -h, --help.`,
  options: {},
});

/** Writes schemas/openapi.json from the manifest; a test fails when the committed copy is stale. */
const target = fileURLToPath(new URL('../schemas/openapi.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(routes), null, 2)}\n`);
console.log(`wrote ${target}`);
