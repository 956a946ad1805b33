/**
 * Just enough JSON Schema 2020-12 to judge requests against the published OpenAPI document,
 * independently of the zod schemas the handlers run: a fuzz oracle that asked zod whether a
 * request is valid would share zod's mistakes. Supports what the document uses: type, const,
 * enum, pattern, min/maxLength (code points), minimum, maximum, exclusiveMinimum/Maximum,
 * properties, required, additionalProperties, propertyNames, items, min/maxItems, oneOf,
 * anyOf, allOf and local $ref. Anything else it meets is an error, so it cannot wave through
 * what it does not understand.
 */
export type Schema = Record<string, any>;

const KNOWN = new Set([
  'type',
  'const',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'oneOf',
  'anyOf',
  'allOf',
  '$ref',
  'format',
  'description',
  'title',
  'default',
  '$schema',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
]);

export function schemaErrors(schema: Schema | boolean, value: unknown, root: Schema = {}, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN.has(keyword) && !keyword.startsWith('x-')) throw new Error(`json-schema.ts does not support "${keyword}" (at ${path})`);
  }
  if (schema.$ref) return schemaErrors(resolveRef(root, schema.$ref), value, root, path);
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${path}: ${message}`);

  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => hasType(value, type))) return [`${path}: expected ${types.join('|')}`];
  }
  if ('const' in schema && !deepEqual(value, schema.const)) fail(`expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.some((option: unknown) => deepEqual(value, option))) fail('not in enum');

  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) fail('too short');
    if (schema.maxLength !== undefined && length > schema.maxLength) fail('too long');
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) fail('pattern');
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail('below minimum');
    if (schema.maximum !== undefined && value > schema.maximum) fail('above maximum');
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) fail('not above exclusiveMinimum');
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) fail('not below exclusiveMaximum');
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail('too few items');
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail('too many items');
    if (schema.items !== undefined) {
      for (const [i, item] of value.entries()) errors.push(...schemaErrors(schema.items, item, root, `${path}[${i}]`));
    }
  }
  if (isObject(value)) {
    const properties: Record<string, Schema> = schema.properties ?? {};
    for (const name of schema.required ?? []) if (!Object.hasOwn(value, name)) fail(`missing ${name}`);
    for (const name of Object.keys(value)) {
      const child = value[name];
      if (Object.hasOwn(properties, name)) errors.push(...schemaErrors(properties[name]!, child, root, `${path}.${name}`));
      else if (schema.additionalProperties !== undefined)
        errors.push(...schemaErrors(schema.additionalProperties, child, root, `${path}.${name}`));
      if (schema.propertyNames !== undefined) errors.push(...schemaErrors(schema.propertyNames, name, root, `${path}{${name}}`));
    }
  }
  if (schema.allOf) for (const part of schema.allOf) errors.push(...schemaErrors(part, value, root, path));
  if (schema.anyOf && !schema.anyOf.some((part: Schema) => schemaErrors(part, value, root, path).length === 0))
    fail('matches no anyOf branch');
  if (schema.oneOf && schema.oneOf.filter((part: Schema) => schemaErrors(part, value, root, path).length === 0).length !== 1) {
    fail('does not match exactly one oneOf branch');
  }
  return errors;
}

export function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`Only local $ref are supported, not ${ref}`);
  let node: any = root;
  for (const part of ref.slice(2).split('/')) node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (node === undefined) throw new Error(`Unresolvable $ref ${ref}`);
  return node;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      throw new Error(`Unknown JSON Schema type ${type}`);
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Every property name a schema can produce, at any depth (through $ref, items, unions and
 * additionalProperties), with the path where it appears.
 */
export function propertyNamesDeep(
  schema: Schema | boolean,
  root: Schema = {},
  path = '$',
  seen = new Set<Schema>(),
): { name: string; path: string }[] {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) return [];
  seen.add(schema);
  if (schema.$ref) return propertyNamesDeep(resolveRef(root, schema.$ref), root, path, seen);
  const out: { name: string; path: string }[] = [];
  for (const [name, child] of Object.entries<Schema>(schema.properties ?? {})) {
    out.push({ name, path: `${path}.${name}` }, ...propertyNamesDeep(child, root, `${path}.${name}`, seen));
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    if (schema[key] !== undefined) out.push(...propertyNamesDeep(schema[key], root, `${path}[]`, seen));
  }
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    for (const [i, part] of (schema[key] ?? []).entries()) out.push(...propertyNamesDeep(part, root, `${path}|${i}`, seen));
  }
  for (const [name, def] of Object.entries<Schema>(schema.$defs ?? {})) out.push(...propertyNamesDeep(def, root, `$defs.${name}`, seen));
  return out;
}
