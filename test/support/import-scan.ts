import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** Every .ts/.mts/.mjs file under a folder of the repository (relative paths, sorted). */
export function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(repoRoot, path));
    }
  };
  walk(join(repoRoot, folder));
  return out.sort();
}

/** Strips comments so a specifier quoted in a comment is not taken for an import. */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/**
 * Module specifiers a file imports or re-exports, statically or with import(); with
 * `runtimeOnly`, leaving out `import type` and `export type` (erased before the code runs).
 */
export function importsOf(file: string, options: { runtimeOnly?: boolean } = {}): string[] {
  let text = withoutComments(readFileSync(join(repoRoot, file), 'utf8'));
  if (options.runtimeOnly) text = text.replace(/\b(?:import|export)\s+type\s[^'"`;]*?\bfrom\s*['"][^'"]+['"]/g, '');
  const specifiers = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) specifiers.add(match[1]!);
  return [...specifiers];
}

/** A relative specifier resolved to a repository file (relative path), or undefined for a package. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const path = resolve(dirname(join(repoRoot, from)), specifier);
  if (!existsSync(path)) throw new Error(`${from} imports ${specifier}, which does not exist`);
  return relative(repoRoot, path);
}

/** The package a bare specifier names (`@scope/name` or `name`), or undefined for node: builtins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every repository file reachable from the entry files, and every package they import. */
export function importGraph(
  entries: string[],
  options: { runtimeOnly?: boolean } = {},
): { files: string[]; packages: Map<string, string[]> } {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of importsOf(file, options)) {
      const local = resolveRelative(file, specifier);
      if (local !== undefined) pending.push(local);
      else {
        const name = packageOf(specifier);
        if (name) packages.set(name, [...(packages.get(name) ?? []), file]);
      }
    }
  }
  return { files: [...files].sort(), packages };
}
