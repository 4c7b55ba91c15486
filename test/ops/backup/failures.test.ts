// Items the target table refuses are counted failed and listed by key; the counts still reconcile.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { openStore, restoreBackup, writeBackup } from '../../../src/ops/backup/index.js'
import { putRaw, rawClient, rawItems, TEST_BATCH, tempFolder } from '../../helpers/backup.js'
import { createTestTable } from '../../helpers/dynamodb.js'

t.test('an item the table refuses is a listed failure', async (t) => {
  const { endpoint } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  // A table with tessera's keys but no indexes holds an item whose gsi1_pk is a number, which a
  // table with tessera's gsi1 (a string key) refuses.
  const source = `plain-${Date.now()}`
  await client.send(
    new CreateTableCommand({
      TableName: source,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  )
  const bad = {
    pk: { S: 'tenant#acme#bad#1' },
    sk: { S: 'bad' },
    model_name: { S: 'raw_thing' },
    gsi1_pk: { N: '1' },
  }
  await putRaw(client, source, [...rawItems('acme', 9), bad])
  const dir = await tempFolder(t)
  await writeBackup({ client, tableName: source, target: openStore(dir), segments: 1, kind: 'backup' })

  const { tableName: target } = await createTestTable(endpoint)
  const summary = await restoreBackup({
    client,
    tableName: target,
    source: openStore(dir),
    mode: 'missing-only',
    batch: TEST_BATCH,
  })
  t.same(summary.counts.raw_thing, { expected: 10, restored: 9, skipped: 0, failed: 1 })
  t.ok(summary.reconciled, 'restored + skipped + failed = the backup’s count')
  t.equal(summary.failures.length, 1)
  t.match(summary.failures[0], {
    key: 'tenant#acme#bad#1 | bad',
    model: 'raw_thing',
    error: /ValidationException/,
  })

  const { tableName: other } = await createTestTable(endpoint)
  const overwrite = await restoreBackup({
    client,
    tableName: other,
    source: openStore(dir),
    mode: 'overwrite',
    batch: TEST_BATCH,
  })
  t.same(
    overwrite.counts.raw_thing,
    { expected: 10, restored: 9, skipped: 0, failed: 1 },
    'the other items of its batch are written',
  )
  t.match(overwrite.failures, [{ key: 'tenant#acme#bad#1 | bad', error: /ValidationException/ }])
})
