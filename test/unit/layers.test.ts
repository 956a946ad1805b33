import { describe, expect, it } from 'vitest';
import { importsOf, resolveRelative, sourceFiles } from '../support/import-scan.ts';

/**
 * ARCHITECTURE.md: inner layers never import outer ones. The domain, the store adapter, the
 * use cases and the audit and security code never reach into functions/api (nor into lib/,
 * local/, scripts/ or test/): what they share with the API, such as scopes, roles and
 * table-access modes, comes from functions/domain/vocabulary.ts.
 */
const INNER = ['functions/domain', 'functions/store', 'functions/usecases', 'functions/audit', 'functions/security'];
const OUTER = ['functions/api/', 'lib/', 'local/', 'scripts/', 'test/', 'bin/'];

/**
 * Known breaches still being removed: the command runner takes the HTTP request and result
 * types from api/http (the runner is being made transport-free on another branch). Delete a
 * line once its import is gone; nothing may be added here.
 */
const KNOWN_EXCEPTIONS = new Set([
  'functions/usecases/run-idempotent-command.ts -> functions/api/http/http-handler.ts',
  'functions/usecases/run-idempotent-write.ts -> functions/api/http/http-handler.ts',
]);

describe('layers', () => {
  it('functions/domain, store, usecases, audit and security import nothing from functions/api or outer folders', () => {
    const breaches: string[] = [];
    for (const folder of INNER) {
      for (const file of sourceFiles(folder)) {
        for (const specifier of importsOf(file)) {
          const target = resolveRelative(file, specifier);
          if (target === undefined || !OUTER.some((outer) => target.startsWith(outer))) continue;
          const breach = `${file} -> ${target}`;
          if (!KNOWN_EXCEPTIONS.has(breach)) breaches.push(breach);
        }
      }
    }
    expect(breaches).toEqual([]);
  });

  it('the domain imports no AWS SDK, middy or Powertools package', () => {
    const found = sourceFiles('functions/domain').flatMap((file) =>
      importsOf(file)
        .filter((specifier) => /^@aws-sdk\/|^@smithy\/|^@middy\/|^@aws-lambda-powertools\//.test(specifier))
        .map((specifier) => `${file} -> ${specifier}`),
    );
    expect(found).toEqual([]);
  });

  it('the scan sees imports (it finds the vocabulary imported by the store)', () => {
    expect(importsOf('functions/store/api-keys.ts')).toContain('../domain/vocabulary.ts');
  });
});
