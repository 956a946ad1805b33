import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
  type Attribute,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { createTableInput, TABLE_KEYS } from '../functions/store/table-definition.ts';
import { dataRemovalPolicy, type StageConfig } from './stage.ts';

/**
 * The single table, built from `functions/store/table-definition.ts` (the same input the
 * local service creates DynamoDB Local's table from), so keys, indexes and stream can never
 * differ between offline and AWS.
 */
export class DataTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: { stage: StageConfig; encryptionKey: IKey }) {
    super(scope, id);
    const input = createTableInput('unused');
    const attribute = (name: string): Attribute => {
      const definition = input.AttributeDefinitions.find((candidate) => candidate.AttributeName === name);
      if (!definition) throw new Error(`table-definition.ts declares no attribute ${name}`);
      return { name, type: ATTRIBUTE_TYPES[definition.AttributeType] };
    };
    const keyNamed = (schema: readonly { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[], type: 'HASH' | 'RANGE') => {
      const element = schema.find((candidate) => candidate.KeyType === type);
      return element ? attribute(element.AttributeName) : undefined;
    };

    this.table = new Table(this, 'Table', {
      partitionKey: attribute(TABLE_KEYS.partitionKey),
      sortKey: attribute(TABLE_KEYS.sortKey),
      billingMode: input.BillingMode === 'PAY_PER_REQUEST' ? BillingMode.PAY_PER_REQUEST : BillingMode.PROVISIONED,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      // A dev stack must tear down; production refuses a delete even from the console.
      deletionProtection: props.stage.retainData,
      removalPolicy: dataRemovalPolicy(props.stage),
      stream: StreamViewType[input.StreamSpecification.StreamViewType],
      // Idempotency records expire through TTL; correctness never depends on the deletion.
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
    });

    for (const index of input.GlobalSecondaryIndexes) {
      const partitionKey = keyNamed(index.KeySchema, 'HASH');
      if (!partitionKey) throw new Error(`index ${index.IndexName} has no partition key`);
      const sortKey = keyNamed(index.KeySchema, 'RANGE');
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey,
        ...(sortKey ? { sortKey } : {}),
        projectionType: ProjectionType[index.Projection.ProjectionType],
      });
    }
  }
}

const ATTRIBUTE_TYPES = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;
