import { isObject } from './json-schema.ts';

export type JsonPath = (string | number)[];

/** Adds an own enumerable key; plain assignment of `__proto__` would set the prototype instead. */
export function objectWith(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** A deep copy that keeps own `__proto__` keys as keys. */
export const cloneJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Paths to every value inside a JSON document, the root excluded. */
export function valuePaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => [[...prefix, i], ...valuePaths(item, [...prefix, i])]);
  if (isObject(value)) return Object.keys(value).flatMap((key) => [[...prefix, key], ...valuePaths(value[key], [...prefix, key])]);
  return [];
}

/** Paths to every object inside a JSON document, the root included when it is one. */
export function objectPaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectPaths(item, [...prefix, i]));
  if (isObject(value)) return [prefix, ...Object.keys(value).flatMap((key) => objectPaths(value[key], [...prefix, key]))];
  return [];
}

export function nodeAt(root: unknown, path: JsonPath): any {
  let node: any = root;
  for (const part of path) node = node[part];
  return node;
}

/** The path as json-schema.ts reports it: `$`, `$.source`, `$.items[0]`. */
export const schemaPath = (path: JsonPath) => `$${path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')}`;
