#!/usr/bin/env node
// `npx rrr-audit` (the package's bin): the CLI is TypeScript, run through tsx's loader with
// no build step, exactly as `npm start` runs local/start.ts.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./rrr-audit.ts');
