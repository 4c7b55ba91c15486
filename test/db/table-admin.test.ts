import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { ulid } from 'ulid'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { ensureTable } from '../../src/db/table-admin.js'
import { testDynamoDbEndpoint } from '../helpers/dynamodb.js'

t.test('ensureTable creates the table from the models once, then leaves it alone', async (t) => {
  const tableName = `admin-${ulid().toLowerCase()}`
  const client = createDynamoDbClient({
    region: 'us-east-1',
    endpoint: await testDynamoDbEndpoint(),
    localPort: 0,
    useLocalCredentials: true,
    tableName,
    maxSockets: 5,
    connectTimeoutMs: 2_000,
    requestTimeoutMs: 10_000,
    maxAttempts: 3,
  })
  t.teardown(() => client.destroy())

  t.equal(await ensureTable(client, tableName), 'created')
  t.equal(await ensureTable(client, tableName), 'exists')
  const [again, concurrently] = await Promise.all([
    ensureTable(client, tableName),
    ensureTable(client, tableName),
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
