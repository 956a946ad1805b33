import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { routes } from '../functions/api/manifest.ts';
import { buildOpenApiDocument } from '../schemas/openapi-document.ts';

/** Writes schemas/openapi.json from the manifest; a test fails when the committed copy is stale. */
const target = fileURLToPath(new URL('../schemas/openapi.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(routes), null, 2)}\n`);
console.log(`wrote ${target}`);
