/**
 * DynamoDB's item size, as its capacity accounting counts it, from a document-client item:
 * attribute names plus values (strings and binaries by length, numbers about one byte per
 * two significant digits plus one, maps and lists 3 bytes plus 1 per element).
 * DynamoDB Local's ConsumedCapacity for transactions does not follow the service's rules, so
 * the bench also estimates the service's units from these sizes.
 */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value)).replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value) || value instanceof Set) return 3 + [...value].reduce((sum: number, v) => sum + valueBytes(v) + 1, 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + valueBytes(v) + 1, 0);
  }
  return Buffer.byteLength(String(value));
}

/** A transactional write: 2 units per started KB of the larger of the old and the new item. */
export const transactionalWriteUnits = (bytes: number) => 2 * Math.max(1, Math.ceil(bytes / 1024));

/** A strongly consistent read: 1 unit per started 4 KB; a key with no item still costs 1. */
export const consistentReadUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
