// The table's key schema, indexes and TTL attribute, derived from the models' index definitions:
// one source of truth for the code, `npm run table:create` and infrastructure templates.
import type { CreateTableCommandInput, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb'
import { type IndexName, keyAttributes } from './indexes.js'
import type { Model, ModelClass } from './model.js'

/** Soft-deleted items carry this attribute (unix seconds) so DynamoDB's TTL purges them. */
export const TTL_ATTRIBUTE = 'expires_at'

export interface TableDefinition {
  createTable: CreateTableCommandInput
  timeToLiveAttribute: string
}

export function tableDefinition(tableName: string, models: readonly ModelClass<Model>[]): TableDefinition {
  const indexNames = new Set<IndexName>()
  for (const model of models) {
    for (const name of Object.keys(model.indexes)) indexNames.add(name as IndexName)
  }
  const secondary = [...indexNames].filter((name) => name !== 'primary').sort(byIndexNumber)
  const attributeNames = ['primary', ...secondary].flatMap((name) => {
    const { pk, sk } = keyAttributes(name as IndexName)
    return [pk, sk]
  })

  const globalSecondaryIndexes: GlobalSecondaryIndex[] = secondary.map((name) => ({
    IndexName: name,
    KeySchema: keySchema(name),
    Projection: { ProjectionType: 'ALL' },
  }))

  return {
    createTable: {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: keySchema('primary'),
      ...(globalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes: globalSecondaryIndexes } : {}),
    },
    timeToLiveAttribute: TTL_ATTRIBUTE,
  }
}

function keySchema(index: IndexName) {
  const { pk, sk } = keyAttributes(index)
  return [
    { AttributeName: pk, KeyType: 'HASH' as const },
    { AttributeName: sk, KeyType: 'RANGE' as const },
  ]
}

function byIndexNumber(a: string, b: string): number {
  return Number(a.slice(3)) - Number(b.slice(3))
}
