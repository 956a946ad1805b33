#!/usr/bin/env node
// `npx rrr-audit` (the package's bin): the CLI is TypeScript, run through tsx's loader with
// no build step, exactly as `npm start` runs local/start.ts.
import { register } from 'tsx/esm/api';

register();
await import('./rrr-audit.ts');
