/**
 * The single table's shape, defined once: the CDK stack and the local service both build
 * the table from these names so the two can never drift apart.
 */
export const TABLE_KEYS = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'ttl',
  /** Sparse index: only items that carry GSI1PK (accounts with lots due to expire) appear. */
  expiryIndex: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
} as const;

export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.expiryIndex.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.expiryIndex.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: TABLE_KEYS.expiryIndex.name,
        KeySchema: [
          { AttributeName: TABLE_KEYS.expiryIndex.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: TABLE_KEYS.expiryIndex.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' as const },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  };
}
