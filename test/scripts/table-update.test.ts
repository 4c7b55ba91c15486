import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { ulid } from 'ulid'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { ensureTable } from '../../src/db/table-admin.js'
import { tableDefinition } from '../../src/models/index.js'
import { ALL_MODELS } from '../../src/resources/index.js'
import { MODELS_WITH_GSI4 } from '../helpers/colored-group.js'
import { indexBuildEndpoint } from '../helpers/dynamodb.js'
import { startScript } from '../helpers/script-run.js'

async function tableUpdate(endpoint: string, tableName: string, args: string[]) {
  const { code, output } = await startScript('table-update', args, { endpoint, tableName }).exited
  return { code, output }
}

t.test('npm run table:update: a dry run, the run, and --delete-unused', async (t) => {
  const endpoint = await indexBuildEndpoint()
  const tableName = `test-${ulid().toLowerCase()}`
  const client = createDynamoDbClient(
    loadConfig({ DYNAMODB_ENDPOINT: endpoint, APP_TABLE_NAME: tableName }).dynamodb,
  )
  t.teardown(() => client.destroy())
  // The table of models that had gsi4 (groups by color) and not yet gsi3.
  const older = tableDefinition(tableName, MODELS_WITH_GSI4)
  older.createTable.GlobalSecondaryIndexes = older.createTable.GlobalSecondaryIndexes?.filter(
    (index) => index.IndexName !== 'gsi3',
  )
  older.createTable.AttributeDefinitions = older.createTable.AttributeDefinitions?.filter(
    (attribute) => !attribute.AttributeName?.startsWith('gsi3_'),
  )
  await ensureTable(client, older)
  const indexes = async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
    return (Table?.GlobalSecondaryIndexes ?? [])
      .map((index) => `${index.IndexName} ${index.IndexStatus}`)
      .sort()
  }

  const dry = await tableUpdate(endpoint, tableName, ['--dry-run'])
  t.equal(dry.code, 0, dry.output)
  t.match(dry.output, 'table:update: create gsi3 (gsi3_pk HASH, gsi3_sk RANGE, projection ALL)')
  t.match(dry.output, 'table:update: keep gsi4: no model declares it (--delete-unused deletes it)')
  t.match(dry.output, 'table:update: dry run, nothing changed')
  t.same(await indexes(), ['gsi1 ACTIVE', 'gsi2 ACTIVE', 'gsi4 ACTIVE'])

  const run = await tableUpdate(endpoint, tableName, [])
  t.equal(run.code, 0, run.output)
  t.match(run.output, 'table:update: creating gsi3')
  t.match(run.output, 'table:update: gsi3: done')
  t.match(run.output, 'npm run migrate')
  t.same(await indexes(), ['gsi1 ACTIVE', 'gsi2 ACTIVE', 'gsi3 ACTIVE', 'gsi4 ACTIVE'], 'gsi4 is kept')

  const deleting = await tableUpdate(endpoint, tableName, ['--delete-unused'])
  t.equal(deleting.code, 0, deleting.output)
  t.match(deleting.output, 'table:update: gsi4: done')
  t.same(await indexes(), ['gsi1 ACTIVE', 'gsi2 ACTIVE', 'gsi3 ACTIVE'])
  t.notMatch(deleting.output, 'npm run migrate', 'nothing to backfill after a deletion')
})

t.test('a table with an index it cannot change: exit 1, nothing changed', async (t) => {
  const endpoint = await indexBuildEndpoint()
  const tableName = `test-${ulid().toLowerCase()}`
  const client = createDynamoDbClient(
    loadConfig({ DYNAMODB_ENDPOINT: endpoint, APP_TABLE_NAME: tableName }).dynamodb,
  )
  t.teardown(() => client.destroy())
  const odd = tableDefinition(tableName, ALL_MODELS)
  for (const index of odd.createTable.GlobalSecondaryIndexes ?? [])
    if (index.IndexName === 'gsi2') index.Projection = { ProjectionType: 'KEYS_ONLY' }
  await ensureTable(client, odd)
  const run = await tableUpdate(endpoint, tableName, [])
  t.equal(run.code, 1, run.output)
  t.match(run.output, 'table:update: cannot change: gsi2: the table projects KEYS_ONLY, the models ALL')
  t.match(run.output, 'changed nothing')
})
