import { fileURLToPath } from 'node:url';

/** Handler paths in the manifest are relative to the repository root; this resolves them. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const fromRepoRoot = (relativePath: string) => fileURLToPath(new URL(`../${relativePath}`, import.meta.url));
