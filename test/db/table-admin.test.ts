import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { ulid } from 'ulid'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { ensureTable } from '../../src/db/table-admin.js'
import { tableDefinition } from '../../src/models/index.js'
import { ALL_MODELS } from '../../src/resources/index.js'
import { testDynamoDbEndpoint } from '../helpers/dynamodb.js'

t.test('ensureTable creates the table from the models once, then leaves it alone', async (t) => {
  const tableName = `admin-${ulid().toLowerCase()}`
  const client = createDynamoDbClient(
    loadConfig({ DYNAMODB_ENDPOINT: await testDynamoDbEndpoint(), APP_TABLE_NAME: tableName }).dynamodb,
  )
  t.teardown(() => client.destroy())
  const definition = tableDefinition(tableName, ALL_MODELS)

  t.equal(await ensureTable(client, definition), 'created')
  t.equal(await ensureTable(client, definition), 'exists')
  const [again, concurrently] = await Promise.all([
    ensureTable(client, definition),
    ensureTable(client, definition),
  ])
  t.same([again, concurrently], ['exists', 'exists'])

  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
  t.equal(Table?.TableStatus, 'ACTIVE')
  t.same(Table?.KeySchema, [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ])
  t.same(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort(), ['gsi1', 'gsi2', 'gsi3'])
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))
  t.equal(ttl.TimeToLiveDescription?.AttributeName, 'expires_at')
})
