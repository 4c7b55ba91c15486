import t from 'tap'
import {
  Group,
  type IndexDefinitions,
  Model,
  type ModelClass,
  TTL_ATTRIBUTE,
  tableDefinition,
} from '../../src/models/index.js'
import { ALL_MODELS } from '../../src/resources/index.js'

const keySchema = (pk: string, sk: string) => [
  { AttributeName: pk, KeyType: 'HASH' },
  { AttributeName: sk, KeyType: 'RANGE' },
]

t.test("tableDefinition('t') for every model the table stores", async (t) => {
  const { createTable, timeToLiveAttribute } = tableDefinition('t', ALL_MODELS)
  t.equal(createTable.TableName, 't')
  t.equal(createTable.BillingMode, 'PAY_PER_REQUEST')
  t.strictSame(createTable.KeySchema, keySchema('pk', 'sk'))
  t.strictSame(createTable.GlobalSecondaryIndexes, [
    { IndexName: 'gsi1', KeySchema: keySchema('gsi1_pk', 'gsi1_sk'), Projection: { ProjectionType: 'ALL' } },
    { IndexName: 'gsi2', KeySchema: keySchema('gsi2_pk', 'gsi2_sk'), Projection: { ProjectionType: 'ALL' } },
    { IndexName: 'gsi3', KeySchema: keySchema('gsi3_pk', 'gsi3_sk'), Projection: { ProjectionType: 'ALL' } },
  ])
  t.strictSame(
    createTable.AttributeDefinitions,
    ['pk', 'sk', 'gsi1_pk', 'gsi1_sk', 'gsi2_pk', 'gsi2_sk', 'gsi3_pk', 'gsi3_sk'].map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S',
    })),
  )
  t.equal(timeToLiveAttribute, 'expires_at')
  t.equal(TTL_ATTRIBUTE, 'expires_at')
})

t.test('attribute definitions are exactly the key attributes, once each, all strings', async (t) => {
  const { createTable } = tableDefinition('t', ALL_MODELS)
  const definitions = createTable.AttributeDefinitions ?? []
  const defined = definitions.map((definition) => definition.AttributeName)
  const used = [
    ...(createTable.KeySchema ?? []),
    ...(createTable.GlobalSecondaryIndexes ?? []).flatMap((index) => index.KeySchema ?? []),
  ].map((key) => key.AttributeName)
  t.same([...defined].sort(), [...new Set(used)].sort(), 'defined = used by a key schema')
  t.equal(new Set(defined).size, defined.length, 'no duplicates')
  t.ok(
    definitions.every((definition) => definition.AttributeType === 'S'),
    'every key attribute is a string',
  )
  t.notOk(defined.includes(TTL_ATTRIBUTE), 'the TTL attribute is no key attribute')
})

class Widget extends Model {
  static readonly modelVersion = 1
  static readonly fields = [] as const
  static readonly indexes = {
    primary: { pk: (w) => `widget#${w.id}`, sk: () => 'widget' },
    gsi5: { pk: () => 'widgets', sk: (w) => `widget#${w.id}` },
  } satisfies IndexDefinitions<Widget>
}

const widget = Widget as unknown as ModelClass<Model>

t.test('the definition follows the models passed in', async (t) => {
  const { createTable, timeToLiveAttribute } = tableDefinition('widgets-table', [widget])
  t.equal(createTable.TableName, 'widgets-table')
  t.strictSame(createTable.KeySchema, keySchema('pk', 'sk'))
  t.strictSame(createTable.GlobalSecondaryIndexes, [
    { IndexName: 'gsi5', KeySchema: keySchema('gsi5_pk', 'gsi5_sk'), Projection: { ProjectionType: 'ALL' } },
  ])
  t.strictSame(
    createTable.AttributeDefinitions,
    ['pk', 'sk', 'gsi5_pk', 'gsi5_sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
  )
  t.equal(createTable.BillingMode, 'PAY_PER_REQUEST')
  t.equal(timeToLiveAttribute, 'expires_at')
})

t.test('indexes of several models are merged, each once, in index-number order', async (t) => {
  const { createTable } = tableDefinition('t', [widget, Group as unknown as ModelClass<Model>, widget])
  t.strictSame(
    (createTable.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName),
    ['gsi1', 'gsi2', 'gsi3', 'gsi5'],
  )
  t.equal(createTable.AttributeDefinitions?.length, 10)
})

t.test('index numbers sort as numbers, not as text', async (t) => {
  const tenIndexes = {
    name: 'Many',
    fields: [],
    modelVersion: 1,
    indexes: {
      primary: { pk: () => 'p', sk: () => 's' },
      gsi10: { pk: () => 'p', sk: () => 's' },
      gsi2: { pk: () => 'p', sk: () => 's' },
    },
  } as unknown as ModelClass<Model>
  const { createTable } = tableDefinition('t', [tenIndexes])
  t.strictSame(
    (createTable.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName),
    ['gsi2', 'gsi10'],
  )
})

t.test('a table with only a primary index has no GlobalSecondaryIndexes', async (t) => {
  const primaryOnly = {
    name: 'Plain',
    fields: [],
    modelVersion: 1,
    indexes: { primary: { pk: () => 'p', sk: () => 's' } },
  } as unknown as ModelClass<Model>
  const { createTable } = tableDefinition('t', [primaryOnly])
  t.notOk(Object.hasOwn(createTable, 'GlobalSecondaryIndexes'))
  t.strictSame(
    createTable.AttributeDefinitions,
    ['pk', 'sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
  )
})
