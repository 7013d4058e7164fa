/**
 * The single table, described once. The CDK stack, local mode and the test setup
 * all build the table from this description so they cannot drift apart.
 *
 * GSI1  — "by owner": a user's memberships (USER#id → WS#id), a workspace's app users, …
 * GSI2  — seat holders of a workspace ordered by joinedAt (sparse: active/suspended, not the owner);
 *         reconciliation reads the newest ones and nothing else.
 * GSI3  — sparse "needs attention" index: workspaces over their seat limit, keyed by a fixed partition
 *         (OVER_LIMIT); also a workspace's active owners and admins (ADMINS#ws), whom reconciliation notifies,
 *         and failed outbox emails (OUTBOX_FAILED), which the outbox-redrive job resends.
 */
export const TTL_ATTRIBUTE = 'ttl';

export const GSI = {
  GSI1: { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' },
  GSI2: { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' },
  GSI3: { name: 'GSI3', pk: 'GSI3PK', sk: 'GSI3SK' },
} as const;

export interface TableDescription {
  partitionKey: string;
  sortKey: string;
  gsis: { name: string; pk: string; sk: string }[];
  ttlAttribute: string;
}

export const tableDescription: TableDescription = {
  partitionKey: 'PK',
  sortKey: 'SK',
  gsis: Object.values(GSI),
  ttlAttribute: TTL_ATTRIBUTE,
};

/** CreateTable input for DynamoDB Local (on-demand, stream on, every GSI projecting ALL). */
export function createTableInput(tableName: string) {
  const attrs = new Set<string>([tableDescription.partitionKey, tableDescription.sortKey]);
  for (const g of tableDescription.gsis) {
    attrs.add(g.pk);
    attrs.add(g.sk);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attrs].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: tableDescription.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: tableDescription.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: tableDescription.gsis.map((g) => ({
      IndexName: g.name,
      KeySchema: [
        { AttributeName: g.pk, KeyType: 'HASH' as const },
        { AttributeName: g.sk, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  };
}
