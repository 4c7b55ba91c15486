import type { TableDescription } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { tableDefinition } from '../../../src/models/index.js'
import { describePlan, planTableUpdate } from '../../../src/ops/table-update/index.js'
import { ALL_MODELS } from '../../../src/resources/index.js'
import { MODELS_WITH_GSI4 } from '../../helpers/colored-group.js'

const TODAY = tableDefinition('things', ALL_MODELS)
const WITH_GSI4 = tableDefinition('things', MODELS_WITH_GSI4)

/** The table DescribeTable reports for a definition: every index ACTIVE, on demand. */
function liveTable(definition = TODAY, changes: Partial<TableDescription> = {}): TableDescription {
  const { createTable } = definition
  return {
    TableName: createTable.TableName,
    TableStatus: 'ACTIVE',
    KeySchema: createTable.KeySchema,
    AttributeDefinitions: createTable.AttributeDefinitions,
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    GlobalSecondaryIndexes: (createTable.GlobalSecondaryIndexes ?? []).map((index) => ({
      ...index,
      IndexStatus: 'ACTIVE',
    })),
    ...changes,
  }
}

t.test('a table made from the same models needs nothing', async (t) => {
  const plan = planTableUpdate(liveTable(), TODAY)
  t.same(plan, { tableName: 'things', steps: [], unused: [], busy: [], conflicts: [] })
  t.same(describePlan(plan), ['table things has every index the models declare'])
})

t.test(
  'an index the models declare and the table lacks is created with its attribute definitions',
  async (t) => {
    const plan = planTableUpdate(liveTable(), WITH_GSI4)
    t.same(plan.steps, [
      {
        action: 'create',
        index: {
          IndexName: 'gsi4',
          KeySchema: [
            { AttributeName: 'gsi4_pk', KeyType: 'HASH' },
            { AttributeName: 'gsi4_sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        attributes: [
          { AttributeName: 'gsi4_pk', AttributeType: 'S' },
          { AttributeName: 'gsi4_sk', AttributeType: 'S' },
        ],
      },
    ])
    t.same(describePlan(plan), ['create gsi4 (gsi4_pk HASH, gsi4_sk RANGE, projection ALL)'])
  },
)

t.test('several missing indexes are one step each, in index order', async (t) => {
  const table = liveTable(TODAY, {
    GlobalSecondaryIndexes: liveTable().GlobalSecondaryIndexes?.filter((index) => index.IndexName === 'gsi2'),
  })
  const plan = planTableUpdate(table, WITH_GSI4)
  t.same(
    plan.steps.map((step) => (step.action === 'create' ? step.index.IndexName : step.indexName)),
    ['gsi1', 'gsi3', 'gsi4'],
  )
})

t.test('a provisioned table gives a new index its own capacity', async (t) => {
  const table = liveTable(TODAY, {
    BillingModeSummary: { BillingMode: 'PROVISIONED' },
    ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 },
  })
  const [step] = planTableUpdate(table, WITH_GSI4).steps
  t.match(step, {
    action: 'create',
    index: { ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 } },
  })
  const [onDemand] = planTableUpdate(liveTable(), WITH_GSI4).steps
  t.notOk(onDemand?.action === 'create' && onDemand.index.ProvisionedThroughput)
})

t.test('an index no model declares is reported, and deleted only when asked', async (t) => {
  const table = liveTable(WITH_GSI4)
  const kept = planTableUpdate(table, TODAY)
  t.same(kept.steps, [])
  t.same(kept.unused, ['gsi4'])
  t.same(describePlan(kept), ['keep gsi4: no model declares it (--delete-unused deletes it)'])
  const deleted = planTableUpdate(table, TODAY, { deleteUnused: true })
  t.same(deleted.steps, [{ action: 'delete', indexName: 'gsi4' }])
  t.same(describePlan(deleted), ['delete gsi4'])
})

t.test('indexes the table is still changing are waited for', async (t) => {
  const table = liveTable(WITH_GSI4)
  const gsi4 = table.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'gsi4')
  if (gsi4) gsi4.IndexStatus = 'CREATING'
  const plan = planTableUpdate(table, WITH_GSI4)
  t.same(plan.steps, [], 'an index being created is not created again')
  t.same(plan.busy, ['gsi4'])
})

t.test('what UpdateTable cannot change is a conflict, and planned around', async (t) => {
  const table = liveTable()
  const gsi2 = table.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'gsi2')
  if (gsi2) gsi2.Projection = { ProjectionType: 'INCLUDE', NonKeyAttributes: ['name'] }
  const gsi3 = table.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'gsi3')
  if (gsi3) gsi3.KeySchema = [{ AttributeName: 'gsi3_pk', KeyType: 'HASH' }]
  const plan = planTableUpdate(table, TODAY)
  t.same(plan.conflicts, [
    'gsi2: the table projects INCLUDE name, the models ALL',
    'gsi3: the table’s keys are gsi3_pk HASH, the models’ gsi3_pk HASH, gsi3_sk RANGE',
  ])
  const other = planTableUpdate(
    liveTable(TODAY, { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
    TODAY,
  )
  t.match(other.conflicts, [/^the table’s key schema is id HASH/])
})
